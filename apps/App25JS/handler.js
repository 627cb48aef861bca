// Transactional e-mail renderer: an SQS/EventBridge message in, subject + HTML out (SES sends it later).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { DateTime } from 'luxon';
import { z } from 'zod';

const __dirname = path.dirname(fileURLToPath(import.meta.url));
const brand = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'brand.json'), 'utf8'));

const env = nunjucks.configure(path.join(__dirname, 'templates'), { autoescape: true, trimBlocks: true, lstripBlocks: true });
env.addFilter('money', (cents) => `£${(cents / 100).toFixed(2)}`);
env.addFilter('date', (iso, format) => DateTime.fromISO(iso, { zone: 'UTC', locale: 'en-GB' }).toFormat(format));

const Recipient = z.object({ email: z.email(), name: z.string().min(1).max(80) });
const Plan = z.enum(Object.keys(brand.plans));

const Welcome = z.object({
  type: z.literal('welcome'),
  recipient: Recipient,
  plan: Plan,
  referrer: z.string().optional(),
});

const RenewalReminder = z.object({
  type: z.literal('renewal-reminder'),
  recipient: Recipient,
  plan: Plan,
  renewsOn: z.iso.date(),
  asOf: z.iso.date(),
  timezone: z.string().default('Europe/London'),
});

const Message = z.discriminatedUnion('type', [Welcome, RenewalReminder]);

function render(msg) {
  const plan = brand.plans[msg.plan];
  if (msg.type === 'welcome') {
    const subject = `Welcome to ${brand.product}, ${msg.recipient.name}`;
    return { subject, html: env.render('welcome.njk', { ...msg, plan, brand, subject }) };
  }
  const renews = DateTime.fromISO(msg.renewsOn, { zone: msg.timezone });
  const asOf = DateTime.fromISO(msg.asOf, { zone: msg.timezone });
  const daysLeft = Math.round(renews.diff(asOf, 'days').days);
  const subject = `Your ${plan.label} plan renews ${renews.setLocale('en-GB').toRelativeCalendar({ base: asOf })}`;
  return { subject, html: env.render('renewal-reminder.njk', { ...msg, plan, brand, subject, daysLeft }) };
}

export const handler = async (event) => {
  const records = event.Records ? event.Records.map((r) => JSON.parse(r.body)) : [event];
  const results = records.map((raw) => {
    const parsed = Message.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, errors: z.flattenError(parsed.error).fieldErrors };
    }
    const { subject, html } = render(parsed.data);
    return { ok: true, to: parsed.data.recipient.email, subject, html };
  });
  return { rendered: results.filter((r) => r.ok).length, results };
};
