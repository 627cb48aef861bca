"""scikit-image: read a bundled image with skimage.io.imread, SLIC superpixels, return the segment count."""
import os

import numpy as np
import skimage
from skimage import color, io, segmentation

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE = os.path.join(HERE, "data", "shapes.png")


def lambda_handler(event, context):
    img = io.imread(IMAGE)
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[..., :3]
    n_segments = int(event.get("n_segments", 40))
    labels = segmentation.slic(img, n_segments=n_segments, compactness=float(event.get("compactness", 10.0)), start_label=1)
    body = {
        "shape": list(img.shape),
        "segments": int(len(np.unique(labels))),
        "skimage": skimage.__version__,
    }
    if event.get("mean_colors"):
        avg = color.label2rgb(labels, img, kind="avg", bg_label=0)
        body["mean_color_checksum"] = int(np.asarray(avg, dtype=np.int64).sum())
    if event.get("edges"):
        # Rare path: Canny edges and region properties of the segmentation.
        from skimage.feature import canny
        from skimage.measure import regionprops

        gray = color.rgb2gray(img)
        body["edge_pixels"] = int(canny(gray, sigma=float(event["edges"])).sum())
        areas = sorted((int(r.area) for r in regionprops(labels)), reverse=True)
        body["largest_areas"] = areas[:5]
    return body
