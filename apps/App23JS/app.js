'use strict';

const fs = require('fs');
const path = require('path');
const express = require('express');
const _ = require('lodash');
const validator = require('validator');

const catalog = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'catalog.json'), 'utf8'));

const app = express();
app.use(express.json());

app.get('/products', (req, res) => {
  const { category } = req.query;
  const inStock = req.query.inStock === 'true';
  const items = catalog.products
    .filter((p) => !category || p.category === category)
    .filter((p) => !inStock || p.stock > 0)
    .map((p) => ({ id: p.id, name: p.name, price: p.price }));
  res.set('Cache-Control', 'max-age=60').json({ updated: catalog.updated, count: items.length, items });
});

app.get('/products/:id', (req, res) => {
  const product = catalog.products.find((p) => p.id === req.params.id);
  if (!product) return res.status(404).json({ message: `no product ${req.params.id}` });
  res.json(product);
});

// Newsletter sign-up: rarely hit, the only route that needs lodash and validator.
app.post('/newsletter', (req, res) => {
  const body = _.pick(req.body || {}, ['email', 'name', 'topics']);
  const email = _.trim(body.email);
  if (!validator.isEmail(email)) {
    return res.status(422).json({ message: 'invalid email', field: 'email' });
  }
  const topics = _.uniq(_.castArray(body.topics || []).map((t) => _.kebabCase(t)));
  const unknown = _.difference(topics, _.uniq(_.flatMap(catalog.products, 'tags').map((t) => _.kebabCase(t))));
  res.status(201).json({
    email: validator.normalizeEmail(email),
    name: _.startCase(validator.escape(_.trim(body.name || ''))),
    topics: _.without(topics, ...unknown),
    ignoredTopics: unknown,
  });
});

app.use((req, res) => res.status(404).json({ message: `cannot ${req.method} ${req.path}` }));

module.exports = app;
