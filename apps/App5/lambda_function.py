"""requests + lxml: parse a page with lxml.html and return its links (HTTP only when event.url)."""
import os

import requests
from lxml import etree, html

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.path.join(HERE, "data", "page.html")
BASE_URL = "https://www.example.com/blog/release-4-2"


def fetch(event):
    if event.get("url"):
        resp = requests.get(event["url"], timeout=10)
        resp.raise_for_status()
        return resp.content, event["url"]
    with open(PAGE, "rb") as f:
        return f.read(), BASE_URL


def lambda_handler(event, context):
    content, base = fetch(event)
    doc = html.fromstring(content, base_url=base)
    if event.get("absolute"):
        doc.make_links_absolute(base)
    links = [{"text": a.text_content().strip(), "href": a.get("href")} for a in doc.xpath("//a[@href]")]
    body = {"title": doc.findtext(".//title"), "count": len(links), "links": links}
    if event.get("table"):
        rows = doc.xpath("//table[@id=$id]//tr[td]", id=event["table"])
        body["rows"] = [[td.text_content().strip() for td in tr.xpath("./td")] for tr in rows]
    if event.get("clean"):
        # Rare path: sanitise the page (scripts, iframes, event handlers) before returning its text.
        from lxml.html.clean import Cleaner

        cleaned = Cleaner(scripts=True, javascript=True, frames=True, style=True).clean_html(doc)
        body["clean_text_length"] = len(" ".join(cleaned.text_content().split()))
        body["clean_has_iframe"] = bool(cleaned.xpath("//iframe"))
        body["clean_html_bytes"] = len(etree.tostring(cleaned))
    return body
