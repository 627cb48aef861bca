'use strict';

// show-me-a-dog: list dog breeds and show a photo of one, rendered server side with Handlebars.
// Breed data comes from the Dog API when event.live is set, otherwise from the bundled snapshot.

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const Handlebars = require('handlebars');
const fetch = require('isomorphic-unfetch');
const uglifycss = require('uglifycss');

const API = 'https://dog.ceo/api';
const read = (...p) => fs.readFileSync(path.join(__dirname, ...p), 'utf8');

Handlebars.registerHelper('capitalize', (s) => String(s).charAt(0).toUpperCase() + String(s).slice(1));
Handlebars.registerHelper('join', (list) => list.join(', '));

const css = uglifycss.processString(read('static', 'style.css'));
const sources = { layout: read('templates', 'layout.hbs'), breeds: read('templates', 'breeds.hbs'), dog: read('templates', 'dog.hbs') };
const templates = {
  layout: Handlebars.compile(sources.layout),
  breeds: Handlebars.compile(sources.breeds),
  dog: Handlebars.compile(sources.dog),
};
const snapshot = { breeds: JSON.parse(read('data', 'breeds.json')).message, images: JSON.parse(read('data', 'images.json')) };

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function breedList(live) {
  return live ? (await getJson(`${API}/breeds/list/all`)).message : snapshot.breeds;
}

async function breedImage(breed, live, seed) {
  if (live) return (await getJson(`${API}/breed/${breed}/images/random`)).message;
  const images = snapshot.images[breed] || [];
  if (!images.length) return null;
  // "random" but repeatable: pick by a hash of the request id
  const n = crypto.createHash('md5').update(String(seed)).digest().readUInt32BE(0);
  return images[n % images.length];
}

function page(title, content, count) {
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: templates.layout({ title, content, css, count }),
  };
}

exports.handler = async (event, context) => {
  const live = Boolean(event.live);
  const route = event.path || '/';
  const all = await breedList(live);

  if (route === '/templates.js') {
    // Precompiled templates (with a source map) for the client-side "next dog" button.
    const { code, map } = Handlebars.precompile(sources.dog, { srcName: 'dog.hbs' });
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/javascript', SourceMap: '/templates.js.map' },
      body: `window.DogTemplates = { dog: Handlebars.template(${code}) };\n//# sourceMappingURL=/templates.js.map`,
      map: JSON.parse(map.toString()),
    };
  }

  const m = /^\/breed\/([a-z]+)$/.exec(route);
  if (m) {
    const breed = m[1];
    if (!all[breed]) return { statusCode: 404, headers: { 'Content-Type': 'text/plain' }, body: `unknown breed ${breed}` };
    const image = await breedImage(breed, live, (event.requestContext && event.requestContext.requestId) || context.awsRequestId);
    return page(`A ${breed}`, templates.dog({ breed, image, subBreeds: all[breed] }), Object.keys(all).length);
  }

  const breeds = Object.keys(all).sort().map((name) => ({ name, subBreeds: all[name] }));
  return page('Dog breeds', templates.breeds({ breeds }), breeds.length);
};
