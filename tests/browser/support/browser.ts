// Debian's Chromium driven by playwright-core, as a user's browser: headless, offline, and
// watching for errors. It keeps every console error and failed request, and tells those our
// package caused (its files, its node types, its API calls) from those of a machine with no
// internet (n8n's editor asks the public npm registry about community packages).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PACKAGE = 'n8n-nodes-instagram-dm';

export interface Watched {
	browser: Browser;
	context: BrowserContext;
	page: Page;
	/** Console errors, page errors and failed or refused requests, as text. */
	problems: string[];
	/** The problems our package caused. */
	ours(): string[];
	close(): Promise<void>;
}

export async function openBrowser(baseUrl: string): Promise<Watched> {
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl });
	const page = await context.newPage();
	const problems: string[] = [];
	/** Failed requests to hosts other than this machine: the machine is offline, not our doing. */
	const offline: string[] = [];
	const local = (url: string) => /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/)/.test(url);
	page.on('console', (message) => {
		if (message.type() === 'error') problems.push(`console: ${message.text()} @ ${message.location().url}`);
	});
	page.on('pageerror', (error) => problems.push(`page error: ${error.message}\n${error.stack ?? ''}`));
	page.on('requestfailed', (request) => {
		const line = `request failed: ${request.url()} (${request.failure()?.errorText})`;
		if (local(request.url())) problems.push(line);
		else offline.push(request.url());
	});
	page.on('response', (response) => {
		if (response.status() >= 400 && local(response.url())) problems.push(`HTTP ${response.status()}: ${response.url()}`);
	});
	return {
		browser,
		context,
		page,
		problems,
		ours() {
			return problems.filter((problem) => {
				// The console repeats each failed resource load without its URL; offline ones are not ours.
				if (problem.startsWith('console: Failed to load resource: net::') && offline.length > 0) return false;
				return /instagram/i.test(problem);
			});
		},
		async close() {
			await context.close();
			await browser.close();
		},
	};
}
