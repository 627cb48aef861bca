"""HelloWorld with heavy imports: everything is imported at init, the handler only greets."""
import base64
import hashlib
import io

import boto3
import netaddr
import requests
import yaml
from PIL import Image

GREETING = "Hello, {name}!"


def lambda_handler(event, context):
    name = event.get("name", "World")
    body = {"message": GREETING.format(name=name)}
    if event.get("format") == "yaml":
        body["yaml"] = yaml.safe_dump(body, sort_keys=True)
    if "cidr" in event:
        net = netaddr.IPNetwork(event["cidr"])
        body["network"] = {"first": str(net[0]), "last": str(net[-1]), "size": int(net.size)}
    if event.get("badge"):
        # Rare path: render a small greeting badge as PNG.
        from PIL import ImageDraw

        img = Image.new("RGB", (120, 24), (30, 60, 90))
        ImageDraw.Draw(img).rectangle([2, 2, 117, 21], outline=(250, 250, 250))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        body["badge_sha256"] = hashlib.sha256(img.tobytes()).hexdigest()
        body["badge_png_bytes"] = len(base64.b64encode(buf.getvalue()))
    if event.get("s3"):
        boto3.client("s3").put_object(Bucket=event["s3"]["bucket"], Key="greeting.txt", Body=body["message"])
    if event.get("url"):
        body["status"] = requests.get(event["url"], timeout=5).status_code
    return {"statusCode": 200, "body": body}
