'use strict';

// Lunch menu scraper: reads the restaurant's weekly menu page and answers "what's for lunch on <date>?"
// for a Slack slash command. The page is fetched live only when event.live is set.

const fs = require('fs');
const path = require('path');
const cheerio = require('cheerio');
const moment = require('moment-timezone');
const request = require('request');

const TZ = 'Europe/Helsinki';
const MENU_URL = 'https://www.kanttiini.example/lounas';
const SAMPLE = path.join(__dirname, 'data', 'lounas.html');

function fetchPage() {
  return new Promise((resolve, reject) => {
    request.get({ url: MENU_URL, timeout: 4000, headers: { 'User-Agent': 'lunchbot/1.0' } }, (err, res, body) => {
      if (err) return reject(err);
      if (res.statusCode !== 200) return reject(new Error(`menu page: HTTP ${res.statusCode}`));
      resolve(body);
    });
  });
}

function parseMenu(html) {
  const $ = cheerio.load(html, { decodeEntities: true });
  const section = $('#lunch-menu');
  const year = Number(section.attr('data-year'));
  const days = {};
  section.find('.day').each((i, el) => {
    const day = $(el);
    const [d, m] = day.attr('data-date').split('.').map(Number);
    const date = moment.tz({ year, month: m - 1, date: d }, TZ).format('YYYY-MM-DD');
    days[date] = {
      title: day.find('h2').text().trim(),
      dishes: day.find('li.dish').map((j, li) => ({
        name: $(li).clone().children('span').remove().end().text().trim(),
        diet: $(li).find('.diet').text().split(',').map((s) => s.trim()).filter(Boolean),
        vegan: $(li).hasClass('vegan'),
      })).get(),
      note: day.find('.note').text().trim() || null,
      $el: day,
    };
  });
  return { $, week: Number(section.attr('data-week')), hours: section.find('.hours').text().trim(), days };
}

exports.handler = async (event) => {
  const html = event.live ? await fetchPage() : fs.readFileSync(SAMPLE, 'utf8');
  const menu = parseMenu(html);
  const when = moment.tz(event.date, 'YYYY-MM-DD', true, TZ);
  if (!when.isValid()) return { statusCode: 400, body: JSON.stringify({ error: `bad date ${event.date}` }) };

  const key = when.format('YYYY-MM-DD');
  const day = menu.days[key];
  const header = `${when.locale('fi').format('dddd D.M.YYYY')} (viikko ${when.isoWeek()})`;
  if (!day) {
    const closed = when.isoWeekday() > 5;
    return {
      statusCode: 200,
      body: JSON.stringify({ date: key, header, text: closed ? 'Viikonloppuna suljettu.' : `Ei listaa: sivulla on viikon ${menu.week} lista.` }),
    };
  }

  const body = { date: key, header, hours: menu.hours, dishes: day.dishes };
  if (event.format === 'html') {
    // For the intranet widget: the day's block as HTML, stripped of classes and data attributes.
    const block = day.$el.clone();
    block.find('li.vegan').append(' <abbr title="vegaaninen">&#127793;</abbr>');
    block.find('*').removeAttr('class');
    block.removeAttr('data-date').removeAttr('class');
    body.html = menu.$.html(block).replace(/\n\s*/g, '');
  } else if (day.note) {
    body.note = day.note;
  }
  return { statusCode: 200, body: JSON.stringify(body) };
};
