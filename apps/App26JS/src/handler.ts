import Ajv, { JSONSchemaType } from 'ajv';
import { addMinutes, format, formatISO, getHours, isWeekend, parseISO } from 'date-fns';
import { v5 as uuidv5 } from 'uuid';
import * as fs from 'fs';
import * as path from 'path';

interface ApiEvent {
  httpMethod: string;
  resource: string;
  body: string | null;
}

interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

interface BookingRequest {
  service: string;
  start: string;
  email?: string;
  name?: string;
}

interface ServiceInfo {
  title: string;
  minutes: number;
  priceCents: number;
}

interface Catalogue {
  clinic: string;
  opening: { from: number; to: number; weekendFrom: number; weekendTo: number };
  weekendSurchargePct: number;
  services: Record<string, ServiceInfo>;
}

// Fixed namespace for booking ids: the same request always gets the same id (idempotent retries).
const BOOKING_NAMESPACE = '3f6c1d52-9b1e-4c8a-a6a4-2d4e2f0b7c11';

const catalogue: Catalogue = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'services.json'), 'utf8'));

const schema: JSONSchemaType<BookingRequest> = {
  type: 'object',
  properties: {
    service: { type: 'string', enum: Object.keys(catalogue.services) },
    start: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$' },
    email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', nullable: true },
    name: { type: 'string', minLength: 1, maxLength: 100, nullable: true },
  },
  required: ['service', 'start'],
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);

function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function quote(req: BookingRequest) {
  const service = catalogue.services[req.service];
  const start = parseISO(req.start);
  const end = addMinutes(start, service.minutes);
  const weekend = isWeekend(start);
  const open = weekend ? catalogue.opening.weekendFrom : catalogue.opening.from;
  const close = weekend ? catalogue.opening.weekendTo : catalogue.opening.to;
  const fits = getHours(start) >= open && (getHours(end) < close || (getHours(end) === close && end.getMinutes() === 0));
  const priceCents = weekend ? Math.round(service.priceCents * (1 + catalogue.weekendSurchargePct / 100)) : service.priceCents;
  return {
    service: service.title,
    available: fits,
    when: `${format(start, 'EEEE d MMMM yyyy, HH:mm')}–${format(end, 'HH:mm')}`,
    start: formatISO(start),
    end: formatISO(end),
    priceCents,
    weekendSurcharge: weekend,
  };
}

function confirm(req: BookingRequest) {
  const q = quote(req);
  if (!q.available) return null;
  const id = uuidv5(`${req.service}|${req.start}|${(req.email || '').toLowerCase()}`, BOOKING_NAMESPACE);
  const stamp = (iso: string) => format(parseISO(iso), "yyyyMMdd'T'HHmmss");
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//${catalogue.clinic}//Bookings//EN`,
    'BEGIN:VEVENT',
    `UID:${id}@bookings`,
    `DTSTAMP:${stamp(q.start)}`,
    `DTSTART:${stamp(q.start)}`,
    `DTEND:${stamp(q.end)}`,
    `SUMMARY:${q.service} at ${catalogue.clinic}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');
  return { bookingId: id, ...q, attendee: req.email, ics };
}

export const handler = async (event: ApiEvent): Promise<ApiResult> => {
  let req: unknown;
  try {
    req = JSON.parse(event.body || '{}');
  } catch {
    return json(400, { message: 'body is not JSON' });
  }
  if (!validate(req)) {
    return json(422, { message: 'invalid request', errors: validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`) });
  }
  if (event.resource === '/quotes') return json(200, quote(req));
  if (event.resource === '/bookings') {
    if (!req.email) return json(422, { message: 'email is required to book' });
    const booking = confirm(req);
    return booking ? json(201, booking) : json(409, { message: 'outside opening hours' });
  }
  return json(404, { message: `no route ${event.httpMethod} ${event.resource}` });
};
