"""User details (modeled on a Google Cloud Functions demo with Flask + requests).

Google Cloud Functions entry: `user_details(request)` (a Flask request, --entry-point user_details);
AWS-style entry for the harness: `lambda_handler(event, context)`, dispatched through the same Flask app.
Users come from data/users.json; the live API is called only when the event asks for it (`live`).
"""
import json
import os

import requests
from flask import Flask, abort, jsonify, request

HERE = os.path.dirname(os.path.abspath(__file__))
API = "https://jsonplaceholder.typicode.com/users"

with open(os.path.join(HERE, "data", "users.json"), encoding="utf-8") as f:
    USERS = {u["id"]: u for u in json.load(f)}

app = Flask(__name__)


def find_user(user_id, live=False):
    if live:
        resp = requests.get("%s/%d" % (API, user_id), timeout=5)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()
    return USERS.get(user_id)


@app.route("/users/<int:user_id>", methods=["GET", "POST"])
def get_user(user_id):
    params = request.get_json(silent=True) or {}
    user = find_user(user_id, bool(params.get("live")))
    if user is None:
        abort(404, description="user %d not found" % user_id)
    fields = params.get("fields")
    if fields:
        user = {k: user[k] for k in fields if k in user}
    fmt = params.get("format")
    if fmt == "csv":
        # Rare path: the user as a one-row CSV export, downloaded as a named attachment.
        import csv
        import io
        from wsgiref.headers import Headers

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(user), lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in user.items()})
        headers = Headers([("Content-Type", "text/csv; charset=utf-8")])
        headers.add_header("Content-Disposition", "attachment", filename="user-%d.csv" % user_id)
        return app.response_class(buf.getvalue(), headers=headers.items())
    if fmt == "xml":
        # Rare path: the user as XML for a legacy client.
        from xml.etree import ElementTree as ET

        root = ET.Element("user")
        for k, v in user.items():
            ET.SubElement(root, k).text = ",".join(v) if isinstance(v, list) else str(v)
        return app.response_class(ET.tostring(root, encoding="unicode"), mimetype="application/xml")
    return jsonify(user)


@app.errorhandler(404)
def not_found(e):
    return jsonify(error=str(e.description)), 404


def user_details(request):
    """HTTP Cloud Function: the body is {"user_id": 1, ...}."""
    params = request.get_json(silent=True) or {}
    with app.test_request_context("/users/%d" % int(params.get("user_id", 1)), method="POST", json=params):
        return app.full_dispatch_request()


def lambda_handler(event, context):
    with app.test_request_context("/users/%d" % int(event.get("user_id", 1)), method="POST", json=event):
        resp = app.full_dispatch_request()
    body = resp.get_data(as_text=True)
    return {
        "statusCode": resp.status_code,
        "headers": {"Content-Type": resp.headers.get("Content-Type")},
        "body": json.loads(body) if resp.is_json else body,
    }
