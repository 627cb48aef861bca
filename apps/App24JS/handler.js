'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const { marshall, unmarshall } = require('@aws-sdk/util-dynamodb');

const REGION = process.env.AWS_REGION || 'eu-west-1';
const TABLE = process.env.ORDERS_TABLE || 'orders';
const BUCKET = process.env.REPORTS_BUCKET || 'acme-order-reports';

const prices = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'prices.json'), 'utf8'));

const ddb = new DynamoDBClient({ region: REGION });
const docClient = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
const s3 = new S3Client({ region: REGION });

function priceOrder(order) {
  const lines = order.lines.map((l) => {
    const sku = prices.skus[l.sku];
    if (!sku) throw new Error(`unknown sku ${l.sku}`);
    return { sku: l.sku, name: sku.name, qty: l.qty, totalCents: sku.unitCents * l.qty };
  });
  const netCents = lines.reduce((s, l) => s + l.totalCents, 0);
  const vatCents = Math.round(netCents * prices.vatRate);
  return { lines, netCents, vatCents, grossCents: netCents + vatCents };
}

// POST /orders (API Gateway → Lambda): price the order and store it.
async function putOrder(event) {
  const order = JSON.parse(event.body);
  const priced = priceOrder(order);
  const item = {
    pk: `CUSTOMER#${order.customerId}`,
    sk: `ORDER#${order.orderId}`,
    status: 'PLACED',
    placedAt: order.placedAt,
    currency: prices.currency,
    ...priced,
    note: order.note, // undefined is removed by marshallOptions
  };
  const command = new PutCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(sk)' });
  if (event.live) await docClient.send(command);
  return {
    statusCode: 201,
    body: JSON.stringify({ table: command.input.TableName, key: { pk: item.pk, sk: item.sk }, grossCents: item.grossCents, wireItem: marshall(item, { removeUndefinedValues: true }) }),
  };
}

// DynamoDB stream → summary of what changed.
function summariseStream(event) {
  return {
    batchItemFailures: [],
    changes: event.Records.map((r) => {
      const next = r.dynamodb.NewImage ? unmarshall(r.dynamodb.NewImage) : null;
      const prev = r.dynamodb.OldImage ? unmarshall(r.dynamodb.OldImage) : null;
      return { event: r.eventName, key: unmarshall(r.dynamodb.Keys), from: prev && prev.status, to: next && next.status, grossCents: (next || prev).grossCents };
    }),
  };
}

// Scheduled (EventBridge) daily report: CSV of the day's orders uploaded to S3.
async function exportReport(event) {
  const orders = event.detail.orders;
  const rows = [['orderId', 'customerId', 'grossCents']].concat(orders.map((o) => [o.orderId, o.customerId, priceOrder(o).grossCents]));
  const csv = rows.map((r) => r.join(',')).join('\n') + '\n';
  const key = `reports/${event.detail.day}/orders.csv`;
  const input = {
    Bucket: BUCKET,
    Key: key,
    Body: csv,
    ContentType: 'text/csv',
    ChecksumSHA256: crypto.createHash('sha256').update(csv).digest('base64'),
  };
  const command = new PutObjectCommand(input);
  if (event.live) await s3.send(command);
  const endpoint = s3.config.endpointProvider({ Bucket: BUCKET, Region: await s3.config.region(), UseFIPS: false, UseDualStack: false, ForcePathStyle: false, Accelerate: false });
  return { bucket: BUCKET, key, url: `${endpoint.url.href.replace(/\/$/, '')}/${key}`, bytes: Buffer.byteLength(csv), checksum: input.ChecksumSHA256, rows: rows.length - 1 };
}

exports.handler = async (event) => {
  if (event.Records && event.Records[0] && event.Records[0].eventSource === 'aws:dynamodb') return summariseStream(event);
  if (event['detail-type'] === 'DailyOrderReport') return exportReport(event);
  if (event.httpMethod === 'POST' && event.resource === '/orders') return putOrder(event);
  return { statusCode: 400, body: JSON.stringify({ message: 'unsupported event' }) };
};
