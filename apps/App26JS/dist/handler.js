"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = void 0;
const ajv_1 = __importDefault(require("ajv"));
const date_fns_1 = require("date-fns");
const uuid_1 = require("uuid");
const fs = __importStar(require("fs"));
const path = __importStar(require("path"));
// Fixed namespace for booking ids: the same request always gets the same id (idempotent retries).
const BOOKING_NAMESPACE = '3f6c1d52-9b1e-4c8a-a6a4-2d4e2f0b7c11';
const catalogue = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'services.json'), 'utf8'));
const schema = {
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
const ajv = new ajv_1.default({ allErrors: true });
const validate = ajv.compile(schema);
function json(statusCode, body) {
    return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
function quote(req) {
    const service = catalogue.services[req.service];
    const start = (0, date_fns_1.parseISO)(req.start);
    const end = (0, date_fns_1.addMinutes)(start, service.minutes);
    const weekend = (0, date_fns_1.isWeekend)(start);
    const open = weekend ? catalogue.opening.weekendFrom : catalogue.opening.from;
    const close = weekend ? catalogue.opening.weekendTo : catalogue.opening.to;
    const fits = (0, date_fns_1.getHours)(start) >= open && ((0, date_fns_1.getHours)(end) < close || ((0, date_fns_1.getHours)(end) === close && end.getMinutes() === 0));
    const priceCents = weekend ? Math.round(service.priceCents * (1 + catalogue.weekendSurchargePct / 100)) : service.priceCents;
    return {
        service: service.title,
        available: fits,
        when: `${(0, date_fns_1.format)(start, 'EEEE d MMMM yyyy, HH:mm')}–${(0, date_fns_1.format)(end, 'HH:mm')}`,
        start: (0, date_fns_1.formatISO)(start),
        end: (0, date_fns_1.formatISO)(end),
        priceCents,
        weekendSurcharge: weekend,
    };
}
function confirm(req) {
    const q = quote(req);
    if (!q.available)
        return null;
    const id = (0, uuid_1.v5)(`${req.service}|${req.start}|${(req.email || '').toLowerCase()}`, BOOKING_NAMESPACE);
    const stamp = (iso) => (0, date_fns_1.format)((0, date_fns_1.parseISO)(iso), "yyyyMMdd'T'HHmmss");
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
const handler = async (event) => {
    let req;
    try {
        req = JSON.parse(event.body || '{}');
    }
    catch {
        return json(400, { message: 'body is not JSON' });
    }
    if (!validate(req)) {
        return json(422, { message: 'invalid request', errors: validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message}`) });
    }
    if (event.resource === '/quotes')
        return json(200, quote(req));
    if (event.resource === '/bookings') {
        if (!req.email)
            return json(422, { message: 'email is required to book' });
        const booking = confirm(req);
        return booking ? json(201, booking) : json(409, { message: 'outside opening hours' });
    }
    return json(404, { message: `no route ${event.httpMethod} ${event.resource}` });
};
exports.handler = handler;
