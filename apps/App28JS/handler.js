'use strict';

// Podcast feed service: parses the show's RSS feed (bundled copy, or S3 when the event names an
// object) into JSON for the web app; the rarely used "opml" action builds an OPML export back as XML.

const fs = require('fs');
const path = require('path');
const { XMLParser, XMLValidator } = require('fast-xml-parser');
const { create } = require('xmlbuilder2');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');

const FEED_PATH = path.join(__dirname, 'data', 'feed.xml');
const s3 = new S3Client({});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name, jpath) => ['rss.channel.item', 'rss.channel.item.category'].includes(jpath),
  parseTagValue: false,
});

async function readFeed(event) {
  if (event.s3) {
    const res = await s3.send(new GetObjectCommand({ Bucket: event.s3.bucket, Key: event.s3.key }));
    return res.Body.transformToString();
  }
  return fs.readFileSync(FEED_PATH, 'utf8');
}

function toEpisode(item) {
  const [h, m, s] = item['itunes:duration'].split(':').map(Number);
  return {
    id: item.guid['#text'],
    title: item.title,
    url: item.link,
    published: new Date(item.pubDate).toISOString(),
    categories: item.category,
    durationSeconds: h * 3600 + m * 60 + s,
    audio: { url: item.enclosure['@_url'], bytes: Number(item.enclosure['@_length']) },
  };
}

function opml(channel, episodes) {
  const doc = create({ version: '1.0', encoding: 'UTF-8' })
    .ele('opml', { version: '2.0' })
    .ele('head')
    .ele('title').txt(`${channel.title} episodes`).up()
    .ele('dateCreated').txt(channel.lastBuildDate).up()
    .up()
    .ele('body');
  const outline = doc.ele('outline', { text: channel.title, type: 'rss', xmlUrl: channel['atom:link']['@_href'] });
  for (const e of episodes) outline.ele('outline', { text: e.title, type: 'link', url: e.url, created: e.published });
  return doc.end({ prettyPrint: true });
}

exports.handler = async (event) => {
  const xml = await readFeed(event);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`feed is not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  const channel = parser.parse(xml).rss.channel;
  let episodes = channel.item.map(toEpisode);
  if (event.category) episodes = episodes.filter((e) => e.categories.includes(event.category));
  if (event.limit) episodes = episodes.slice(0, event.limit);

  if (event.action === 'opml') {
    return { contentType: 'text/x-opml', body: opml(channel, episodes) };
  }
  return {
    show: { title: channel.title, link: channel.link, language: channel.language, category: channel['itunes:category']['@_text'] },
    count: episodes.length,
    totalSeconds: episodes.reduce((s, e) => s + e.durationSeconds, 0),
    episodes,
  };
};
