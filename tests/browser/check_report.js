// Opens an oltap HTML report in headless Chromium (puppeteer-core against
// the Debian browser) and prints, as one JSON object on stdout, what a test
// needs to judge it: the console's errors and warnings, uncaught page
// errors, every request the page made (the file itself included), each
// chart's drawn points, coloured pixels and each series' sum of y, the
// text of every table with an id, and where the screenshot went. It judges
// nothing itself: the ctest case (tests/integration/html_report_test.cc)
// does.
//
//   node check_report.js REPORT.html SCREENSHOT.png [--top | --charts]
//
// --top: a screenshot of the first screen only; --charts: of 1280 x 1000 from
// the first chart section (docs/report.png); else the whole page.
// The browser: $OLTAP_CHROMIUM, else the first of the Debian paths below.
'use strict';
const fs = require('fs');
const path = require('path');
const url = require('url');
const puppeteer = require('puppeteer-core');

const kBrowsers = ['/usr/bin/chromium-headless-shell', '/usr/lib/chromium/headless_shell', '/usr/bin/chromium',
                   '/usr/lib/chromium/chromium'];

function browserPath() {
  if (process.env.OLTAP_CHROMIUM) return process.env.OLTAP_CHROMIUM;
  const found = kBrowsers.find(p => fs.existsSync(p));
  if (!found) throw new Error('no Chromium found (' + kBrowsers.join(', ') + '): run scripts/setup.sh');
  return found;
}

async function main() {
  const [report, screenshot, mode] = process.argv.slice(2);
  if (!report || !screenshot) throw new Error('usage: node check_report.js REPORT.html SCREENSHOT.png [--top]');
  const exe = browserPath();
  const browser = await puppeteer.launch({
    executablePath: exe,
    headless: exe.includes('headless') ? 'shell' : true,
    // Root in CI has no sandbox to drop into; the page is our own file.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--hide-scrollbars'],
    defaultViewport: {width: 1280, height: 900, deviceScaleFactor: 1}
  });
  const out = {console: [], page_errors: [], requests: [], failed_requests: []};
  try {
    const page = await browser.newPage();
    page.on('console', m => {
      if (m.type() === 'error' || m.type() === 'warn' || m.type() === 'warning')
        out.console.push({type: m.type(), text: m.text()});
    });
    page.on('pageerror', e => out.page_errors.push(String(e && e.message ? e.message : e)));
    page.on('request', r => out.requests.push(r.url()));
    page.on('requestfailed', r => out.failed_requests.push(r.url()));
    const file = url.pathToFileURL(path.resolve(report)).href;
    out.url = file;
    await page.goto(file, {waitUntil: 'load', timeout: 30000});
    out.charts_drawn = await page.evaluate(() => document.body.getAttribute('data-charts-drawn'));
    out.canvases = await page.evaluate(() => document.querySelectorAll('canvas').length);
    // A chart has drawn when it has points and its canvas holds coloured
    // pixels (the series' colours; axes and grid lines are grey).
    out.charts = await page.evaluate(() => (window.oltapCharts || []).map(({id, chart}) => {
      const c = chart.canvas;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < d.length; i += 4)
        if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) ++coloured;
      const points = chart.data.datasets.reduce(
          (n, ds) => n + ds.data.filter(v => v !== null && v !== undefined && !(typeof v === 'object' && !Array.isArray(v) && (v.y === null || v.y === undefined))).length, 0);
      // Each series' label and the sum of its y values: what a test adds up against the files.
      const series = chart.data.datasets.map(ds => ({
        label: ds.label,
        sum: ds.data.reduce((n, v) => n + (typeof v === 'number' ? v : v && typeof v.y === 'number' ? v.y : 0), 0)
      }));
      return {id: id, title: chart.options.plugins.title.text, points: points, coloured: coloured,
              width: c.width, height: c.height, series: series};
    }));
    // Open one chart's table: the script fills it from the chart's data.
    out.first_chart_table_rows = await page.evaluate(() => {
      const d = document.querySelector('details[id$="-table"]');
      if (!d) return 0;
      d.open = true;
      return new Promise(resolve => setTimeout(() => resolve(d.querySelectorAll('tr').length), 50));
    });
    out.tables = await page.evaluate(() => {
      const tables = {};
      for (const t of document.querySelectorAll('table[id]')) {
        const rows = [...t.querySelectorAll('tr')];
        tables[t.id] = {
          header: rows.length ? [...rows[0].querySelectorAll('th')].map(e => e.textContent) : [],
          rows: rows.slice(1).map(r => [...r.querySelectorAll('td')].map(e => e.textContent))
        };
      }
      return tables;
    });
    out.alerts = await page.evaluate(() => [...document.querySelectorAll('.alert li')].map(e => e.textContent));
    await page.evaluate(() => {
      const d = document.querySelector('details[id$="-table"]');
      if (d) d.open = false;
    });
    fs.mkdirSync(path.dirname(path.resolve(screenshot)), {recursive: true});
    if (mode === '--charts') {
      const y = await page.evaluate(() => document.querySelector('h2').getBoundingClientRect().top + window.scrollY - 8);
      await page.screenshot({path: screenshot, clip: {x: 0, y: y, width: 1280, height: 1000}, captureBeyondViewport: true});
    } else {
      await page.screenshot({path: screenshot, fullPage: mode !== '--top'});
    }
    out.screenshot = path.resolve(screenshot);
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => {
  process.stderr.write('check_report.js: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
