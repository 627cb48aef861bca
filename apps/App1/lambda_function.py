"""Image resize with Wand (ImageMagick), modeled on an S3-triggered thumbnail function."""
import hashlib
import os

import boto3
from wand.image import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "data", "photo.jpg")
s3 = None


def _s3():
    global s3
    if s3 is None:
        s3 = boto3.client("s3")
    return s3


def resize(path, width, height, effect=None, fmt=None):
    with Image(filename=path) as img:
        original = [img.width, img.height]
        img.transform(resize="%dx%d>" % (width, height))
        if effect == "sepia":
            img.sepia_tone(threshold=0.8)
        elif effect == "caption":
            from wand.color import Color
            from wand.drawing import Drawing

            with Drawing() as draw:
                draw.fill_color = Color("white")
                draw.rectangle(left=0, top=img.height - 20, right=img.width - 1, bottom=img.height - 1)
                draw(img)
        if fmt:
            img.format = fmt
        pixels = img.make_blob("RGB")
        return {
            "original": original,
            "size": [img.width, img.height],
            "format": img.format,
            "pixel_sha256": hashlib.sha256(pixels).hexdigest(),
        }


def lambda_handler(event, context):
    width = int(event.get("width", 400))
    height = int(event.get("height", 400))
    if event.get("s3"):
        bucket, key = event["s3"]["bucket"], event["s3"]["key"]
        local = "/tmp/" + os.path.basename(key)
        _s3().download_file(bucket, key, local)
        out = resize(local, width, height, event.get("effect"), event.get("format"))
        _s3().upload_file(local, bucket, "resized/" + os.path.basename(key))
        return out
    return resize(SOURCE, width, height, event.get("effect"), event.get("format"))
