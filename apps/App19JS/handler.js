'use strict';

// Image processing: make a web thumbnail from an uploaded photo. Triggered by S3 uploads in production
// (event.s3 / S3 notification records); the bundled sample photo is used for every other event.

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const sharp = require('sharp');
const AWS = require('aws-sdk');

const OUTPUT_BUCKET = process.env.THUMBNAIL_BUCKET || 'photos-thumbnails';
const SAMPLE = path.join(__dirname, 'data', 'harbour.png');
const FORMATS = { jpeg: { quality: 80, mozjpeg: false }, webp: { quality: 75 }, png: { compressionLevel: 9 } };

sharp.cache(false);
sharp.concurrency(1);

async function readSource(event) {
  if (event.s3) {
    const s3 = new AWS.S3({ region: event.s3.region });
    const obj = await s3.getObject({ Bucket: event.s3.bucket, Key: event.s3.key }).promise();
    return obj.Body;
  }
  return fs.readFileSync(SAMPLE);
}

function uploadPlan(key, format, body) {
  // Built the same way the real upload is, but only sent when event.s3 is set.
  const s3 = new AWS.S3({ region: process.env.AWS_REGION || 'eu-west-1', signatureVersion: 'v4' });
  const params = {
    Bucket: OUTPUT_BUCKET,
    Key: key,
    Body: body,
    ContentType: `image/${format}`,
    CacheControl: 'public, max-age=31536000, immutable',
    Metadata: { source: 'image-processor' },
  };
  const req = s3.putObject(params);
  return { s3, req, params };
}

exports.handler = async (event) => {
  const width = Math.min(Number(event.width) || 320, 2000);
  const format = FORMATS[event.format] ? event.format : 'jpeg';
  const input = await readSource(event);

  const meta = await sharp(input).metadata();
  const { data, info } = await sharp(input)
    .resize({ width, withoutEnlargement: true })
    .toColourspace('srgb')
    [format](FORMATS[format])
    .toBuffer({ resolveWithObject: true });

  const result = {
    source: { width: meta.width, height: meta.height, format: meta.format },
    output: { width: info.width, height: info.height, format: info.format, bytes: info.size },
    sha256: crypto.createHash('sha256').update(data).digest('hex'),
  };

  if (event.s3 || event.dryRun) {
    const key = `thumbs/${width}/${path.basename(event.s3 ? event.s3.key : SAMPLE, path.extname(SAMPLE))}.${format === 'jpeg' ? 'jpg' : format}`;
    const { s3, req, params } = uploadPlan(key, format, data);
    if (event.s3) await req.promise();
    result.upload = {
      bucket: params.Bucket,
      key: params.Key,
      contentType: params.ContentType,
      endpoint: s3.endpoint.host,
      operation: req.operation,
      sent: Boolean(event.s3),
    };
  }
  return result;
};
