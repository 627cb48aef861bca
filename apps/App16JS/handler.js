'use strict';

// microcosm2rss: turn a Microcosm forum (LFGSS and friends) into an RSS feed.
// GET /microcosms/{id}/rss  ?attachments=1 adds enclosures for the first attachment of each post.

const fs = require('fs');
const path = require('path');
const request = require('request');
const RSS = require('rss');

const API_ROOT = process.env.MICROCOSM_API || 'https://lfgss.microcosm.app/api/v1';
const SITE_ROOT = process.env.MICROCOSM_SITE || 'https://www.lfgss.com';
const SAMPLE_DIR = path.join(__dirname, 'data');

function fetchMicrocosm(id) {
  return new Promise((resolve, reject) => {
    request({ url: `${API_ROOT}/microcosms/${id}`, json: true, timeout: 5000 }, (err, res, body) => {
      if (err) return reject(err);
      if (res.statusCode !== 200) return reject(new Error(`microcosm ${id}: HTTP ${res.statusCode}`));
      resolve(body.data);
    });
  });
}

function loadSample(id) {
  const file = path.join(SAMPLE_DIR, `microcosm-${id}.json`);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function stripTags(html) {
  return String(html || '').replace(/<[^>]*>/g, '');
}

function buildFeed(microcosm, { attachments }) {
  const feed = new RSS({
    title: `${microcosm.title} | LFGSS`,
    description: microcosm.description,
    feed_url: `${SITE_ROOT}/microcosms/${microcosm.id}/rss`,
    site_url: `${SITE_ROOT}/microcosms/${microcosm.id}/`,
    pubDate: microcosm.meta.editedAt || microcosm.meta.created,
    ttl: 15,
  });

  const conversations = microcosm.items.items.filter((i) => i.itemType === 'conversation').map((i) => i.item);
  for (const c of conversations) {
    const item = {
      title: c.title,
      description: stripTags(c.summary),
      url: `${SITE_ROOT}/conversations/${c.id}/`,
      guid: `conversation-${c.id}`,
      author: c.meta.createdBy.profileName,
      date: (c.lastComment && c.lastComment.created) || c.meta.created,
      custom_elements: [{ comments: c.totalComments }],
    };
    if (attachments && c.attachments && c.attachments.length) {
      // no type given: rss looks it up from the file extension
      item.enclosure = { url: c.attachments[0].url, size: c.attachments[0].size };
    }
    feed.item(item);
  }

  // rss stamps <lastBuildDate> with the wall clock; use the forum's last edit instead so the feed
  // (and any cache in front of it) only changes when the content does.
  const built = new Date(microcosm.meta.editedAt || microcosm.meta.created).toUTCString();
  return feed.xml({ indent: true }).replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, `<lastBuildDate>${built}</lastBuildDate>`);
}

exports.handler = async (event) => {
  const params = event.pathParameters || {};
  const query = event.queryStringParameters || {};
  const id = Number(params.id || event.microcosm);
  if (!Number.isInteger(id) || id <= 0) {
    return { statusCode: 400, headers: { 'Content-Type': 'text/plain' }, body: 'microcosm id required' };
  }

  const microcosm = event.live ? await fetchMicrocosm(id) : loadSample(id);
  if (!microcosm) {
    return { statusCode: 404, headers: { 'Content-Type': 'text/plain' }, body: `microcosm ${id} not found` };
  }

  const xml = buildFeed(microcosm, { attachments: query.attachments === '1' || query.attachments === 'true' });
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/rss+xml; charset=utf-8', 'Cache-Control': 'public, max-age=900' },
    body: xml,
  };
};
