"""PIL + OpenCV import microbenchmark: both imported at init, the handler reports versions."""
import hashlib
import io

import cv2
import numpy as np
import PIL
from PIL import Image, ImageFilter


def lambda_handler(event, context):
    body = {"pillow": PIL.__version__, "opencv": cv2.__version__, "numpy": np.__version__}
    op = event.get("op")
    if op == "blur":
        # Rare path: blur a synthetic gradient with both libraries and encode the result as PNG.
        size = int(event.get("size", 32))
        grad = (np.add.outer(np.arange(size), np.arange(size)) * (255 // (2 * size - 2))).astype(np.uint8)
        cv_blur = cv2.GaussianBlur(grad, (5, 5), 1.0)
        pil_blur = Image.fromarray(grad).filter(ImageFilter.BoxBlur(2))
        buf = io.BytesIO()
        pil_blur.save(buf, format="PNG")
        body["cv_sha256"] = hashlib.sha256(cv_blur.tobytes()).hexdigest()
        body["pil_sha256"] = hashlib.sha256(pil_blur.tobytes()).hexdigest()
        body["png_signature"] = buf.getvalue()[:8].hex()
    return {"statusCode": 200, "body": body}
