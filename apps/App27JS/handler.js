'use strict';

// Invoice PDF generator: invoked by the billing workflow, returns the PDF's size and digest (and,
// when asked, the document itself as base64); the S3 put happens only for events that name a bucket.

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { PDFDocument, StandardFonts, rgb } = require('pdf-lib');

const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'invoices.json'), 'utf8'));
const LOGO_PATH = path.join(__dirname, 'data', 'logo.png');

const money = (cents) => `£${(cents / 100).toFixed(2)}`;

async function renderInvoice(number, invoice, { logo }) {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const issued = new Date(invoice.issued);
  doc.setTitle(`Invoice ${number}`);
  doc.setAuthor(DATA.seller.name);
  doc.setCreator('billing-lambda');
  doc.setProducer('billing-lambda (pdf-lib)');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const page = doc.addPage([595.28, 841.89]); // A4
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const text = (s, x, y, opts = {}) => page.drawText(s, { x, y, size: opts.size || 10, font: opts.bold ? bold : font, color: opts.color || rgb(0.1, 0.1, 0.1) });

  let y = 790;
  if (logo) {
    const png = await doc.embedPng(fs.readFileSync(LOGO_PATH));
    const dims = png.scale(0.5);
    page.drawImage(png, { x: 50, y: y - dims.height + 12, width: dims.width, height: dims.height });
    y -= dims.height + 10;
  }
  text(DATA.seller.name, 50, y, { size: 16, bold: true });
  DATA.seller.address.forEach((line, i) => text(line, 50, y - 16 - i * 12));
  text(`VAT ${DATA.seller.vatNumber}`, 50, y - 16 - DATA.seller.address.length * 12);

  text(`INVOICE ${number}`, 380, y, { size: 14, bold: true });
  text(`Issued: ${invoice.issued.slice(0, 10)}`, 380, y - 18);
  text(`Due: ${invoice.due}`, 380, y - 30);

  y -= 90;
  text('Bill to', 50, y, { bold: true });
  [invoice.customer.name, ...invoice.customer.address].forEach((line, i) => text(line, 50, y - 14 - i * 12));

  y -= 80;
  text('Description', 50, y, { bold: true });
  text('Qty', 360, y, { bold: true });
  text('Amount', 480, y, { bold: true });
  page.drawLine({ start: { x: 50, y: y - 4 }, end: { x: 545, y: y - 4 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  let net = 0;
  for (const line of invoice.lines) {
    y -= 18;
    const amount = line.qty * line.unitCents;
    net += amount;
    text(line.description, 50, y);
    text(String(line.qty), 360, y);
    text(money(amount), 480, y);
  }
  const vat = Math.round(net * invoice.vatRate);
  y -= 30;
  text('Net', 380, y);
  text(money(net), 480, y);
  text(`VAT ${Math.round(invoice.vatRate * 100)}%`, 380, y - 14);
  text(money(vat), 480, y - 14);
  text('Total', 380, y - 32, { bold: true, size: 12 });
  text(money(net + vat), 480, y - 32, { bold: true, size: 12 });

  const bytes = await doc.save();
  return { bytes: Buffer.from(bytes), totalCents: net + vat, pages: doc.getPageCount() };
}

exports.handler = async (event) => {
  const invoice = DATA.invoices[event.invoiceNumber];
  if (!invoice) throw new Error(`unknown invoice ${event.invoiceNumber}`);
  const { bytes, totalCents, pages } = await renderInvoice(event.invoiceNumber, invoice, { logo: Boolean(event.withLogo) });
  if (event.s3) {
    const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3'); // provided by the Lambda runtime
    await new S3Client({}).send(new PutObjectCommand({ Bucket: event.s3.bucket, Key: `${event.invoiceNumber}.pdf`, Body: bytes, ContentType: 'application/pdf' }));
  }
  return {
    invoiceNumber: event.invoiceNumber,
    totalCents,
    pages,
    byteLength: bytes.length,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    ...(event.returnDocument ? { base64: bytes.toString('base64') } : {}),
  };
};
