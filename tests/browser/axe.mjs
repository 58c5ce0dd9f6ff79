// Loads every page of a bundle in headless Chromium (Debian's package, through
// playwright-core) and runs axe-core on it. Fails on any WCAG 2.1 A/AA violation, on
// any request that leaves the bundle (pages must work offline), and on any script
// error. Usage: node axe.mjs BUNDLE_DIR NODE_MODULES [SCREENSHOT.png]
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [bundle, modules, screenshot] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "noop.js"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const pages = [join(bundle, "index.html")].concat(
  readdirSync(join(bundle, "articles"))
    .filter((f) => f.endsWith(".html"))
    .sort()
    .map((f) => join(bundle, "articles", f)),
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
// axe is injected by the test harness; the pages' own CSP forbids every script.
const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
let failures = 0;
for (const file of pages) {
  const page = await context.newPage();
  const outside = [];
  const errors = [];
  page.on("request", (r) => { if (!r.url().startsWith("file://")) outside.push(r.url()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
  problems.push(...outside.map((u) => `request outside the bundle: ${u}`));
  problems.push(...errors.map((e) => `page error: ${e}`));
  if (result.passes.length === 0) problems.push("axe ran no checks");
  if (problems.length) {
    failures += 1;
    console.log(`FAIL ${file}\n  ${problems.join("\n  ")}`);
  } else {
    console.log(`ok   ${file} (${result.passes.length} axe checks passed)`);
  }
  if (screenshot && file.endsWith("upper-back-pain-in-pregnancy.html")) {
    await page.screenshot({ path: screenshot });
    const urgent = page.locator(".callout-consult").first();
    if (await urgent.count()) {
      await urgent.scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollBy(0, -120));
      await page.screenshot({ path: screenshot.replace(/\.png$/, "-callouts.png") });
    }
  }
  await page.close();
}
await browser.close();
console.log(`${pages.length - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
