// The node as people meet it: the n8n 2.41.1 editor, started the way `npm start` starts it
// (scripts/start.sh: the package installed as n8n installs community packages, the demo
// credential and workflow, the Meta sandbox), driven in Debian's Chromium by playwright-core.
// Every step asserts on what the page shows. With SCREENSHOTS=1 the same run saves the
// README's pictures into docs/images/ (scripts/screenshots.sh).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Locator, Page } from 'playwright-core';

import { freePort } from '../e2e/support/n8n';
import type { StartedScript } from '../e2e/support/start';
import { interrupt, startScript, until } from '../e2e/support/start';
import { readmeWorkflow } from '../e2e/support/workflows';
import type { Watched } from './support/browser';
import { PACKAGE, openBrowser } from './support/browser';

const SCREENSHOTS = process.env.SCREENSHOTS === '1' ? path.resolve('docs/images') : undefined;
const DEMO_WORKFLOW = 'igDemoWorkflow01';
const OWNER = { email: 'owner@example.com', firstName: 'Olive', lastName: 'Owner', password: 'Owner-password-1' };

/** The README's picture `name`, when this run makes them. */
async function picture(target: Page | Locator, name: string): Promise<void> {
	if (!SCREENSHOTS) return;
	mkdirSync(SCREENSHOTS, { recursive: true });
	await target.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

describe('the n8n editor in a real browser, as npm start serves it', () => {
	let folder: string;
	let script: StartedScript;
	let n8nPort: number;
	let sandboxPort: number;
	let watched: Watched;
	let page: Page;

	const node = (name: string) => page.locator(`[data-test-id=canvas-node][data-node-name="${name}"]`);
	const ndv = () => page.locator('[data-test-id=ndv]');
	const creatorItem = (text: string | RegExp) => page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]', { hasText: text });
	const parameter = (name: string) => page.locator(`[data-test-id=parameter-input-${name}]`);
	const sandboxRequests = async () =>
		(await (await fetch(`http://127.0.0.1:${sandboxPort}/__imitation/requests`)).json()) as Array<{ outcome: string; proofValid: boolean; recipientId?: string }>;

	/** Opens the node creator from a node's output (or the canvas) and searches. */
	async function search(text: string, from?: Locator): Promise<void> {
		if (from) await from.locator('[data-test-id=canvas-handle-plus]').click();
		else await page.locator('[data-test-id=node-creator-plus-button]').click();
		const input = page.locator('[data-test-id=node-creator-search-bar] input, [data-test-id=search-bar] input').first();
		await input.fill(text);
	}

	before(async () => {
		folder = mkdtempSync(path.join(tmpdir(), 'ig-browser-'));
		n8nPort = await freePort();
		sandboxPort = await freePort();
		script = startScript({ N8N_DEMO_FOLDER: folder, N8N_PORT: String(n8nPort), SANDBOX_PORT: String(sandboxPort) });
		const base = `http://localhost:${n8nPort}`;
		await until('the editor', async () => ((await fetch(`${base}/rest/settings`)).ok ? true : undefined), 600_000, script);
		watched = await openBrowser(base);
		page = watched.page;
		page.setDefaultTimeout(30_000);
	});

	after(async () => {
		await watched?.close();
		if (script) await interrupt(script);
		rmSync(folder, { recursive: true, force: true });
	});

	it('sets up the owner account on first visit', async () => {
		await page.goto('/');
		await page.waitForURL(/\/setup/);
		for (const [field, value] of Object.entries(OWNER)) await page.fill(`input[name=${field}]`, value);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
		await page.locator('[data-test-id=main-sidebar-settings]').waitFor();
	});

	it('finds the trigger by "Instagram", with an event per kind, and shows its production URL', async () => {
		await page.goto('/workflow/new');
		await search('Instagram');
		await creatorItem(/^Instagram/).first().click();
		const events = await page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]').allInnerTexts();
		for (const event of ['On message', 'On comment', 'On reaction', 'On mention']) assert.ok(events.includes(event), `${event} in ${events.join(', ')}`);
		await creatorItem('On message').first().click();
		await ndv().waitFor();
		assert.match(await ndv().innerText(), /set the Callback URL to this trigger's Production URL/);
		await page.getByText('Webhook URLs').click();
		await page.locator('[data-test-id=radio-button-production]').click();
		const text = await ndv().innerText();
		const urls = text.match(/http:\/\/localhost:\d+\/webhook\/[0-9a-f-]{36}\/webhook/g) ?? [];
		assert.equal(urls.length, 2, `a production URL for GET and POST:\n${text.slice(0, 600)}`);
		assert.equal(urls[0], urls[1], 'one URL serves the check and the deliveries');
		assert.ok(urls[0].startsWith(`http://localhost:${n8nPort}/webhook/`));
		assert.ok(!/webhook-test/.test(urls[0]));
		await picture(ndv(), 'trigger-panel');
		await page.locator('[data-test-id=ndv-close-button]').click();
		assert.match(await node('Instagram Trigger').innerText(), /Message/, 'the canvas names the chosen event');
	});

	it('finds the node by one of its actions, adds it and shows the rules that cost people messages', async () => {
		await search('private reply', node('Instagram Trigger'));
		await creatorItem(/^Instagram/).first().click();
		const actions = await page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]').allInnerTexts();
		for (const action of ['Send a private reply to a comment', 'Send a message', 'Send quick replies']) {
			assert.ok(actions.some((a) => a.includes(action)), `${action} in ${actions.join(', ')}`);
		}
		await creatorItem('Send a message').first().click();
		await ndv().waitFor();
		assert.equal(await parameter('operation').locator('input').inputValue(), 'Send Message');
		const shown = await ndv().innerText();
		assert.match(shown, /only within 24 hours of the person's last message/, 'the 24-hour window, visible');
		await parameter('userId').locator('input, textarea').first().fill('17841400000000001');
		await parameter('messageText').locator('textarea, input').first().fill('Thanks! We will reply within the hour.');
		assert.match(await ndv().innerText(), /not the @username/, 'the IGSID rule, under the field');
		await page.locator('[data-test-id=ndv-close-button]').click();
		// n8n names a node added from an action after the action.
		assert.match(await node('Send a message').innerText(), /Message: Send Message/, 'the subtitle uses the labels');
	});

	it('tests the credential: Meta accepts the demo one, and a wrong one says what Meta refused', async () => {
		await node('Send a message').dblclick();
		await page.locator('[data-test-id=credential-edit-button]').click();
		const dialog = page.locator('[data-test-id=editCredential-modal]');
		await dialog.locator('[data-test-id=credentials-config-container-test-success]').waitFor();
		assert.match(await dialog.innerText(), /Connection tested successfully/);
		await picture(dialog, 'credential-dialog');
		await dialog.locator('button[aria-label="Close this dialog"]').click();
		await dialog.waitFor({ state: 'hidden' });
		// A new credential: the demo's token with another app's secret. Meta refuses the appsecret_proof.
		await page.locator('[data-test-id=node-credentials-select]').click();
		await page.locator('[data-test-id=node-credentials-select-item-new]').click();
		const field = (label: string) => dialog.locator('[data-test-id=credential-connection-parameter]', { hasText: label }).locator('input');
		await field('Access Token').fill('sandbox-access-token-not-a-real-token');
		await field('App Secret').fill('another-apps-secret-0000');
		await field('Base URL').fill(`http://127.0.0.1:${sandboxPort}`);
		await dialog.locator('[data-test-id=credential-save-button]').click();
		await dialog.getByText('Couldn’t connect with these settings').waitFor();
		await dialog.getByText('More details').first().click({ force: true });
		await until('the reason', async () => (/Meta refused the appsecret_proof, not the token/.test(await dialog.innerText()) ? true : undefined), 30_000);
		await dialog.locator('button[aria-label="Close this dialog"]').click();
		await dialog.waitFor({ state: 'hidden' });
		await page.locator('[data-test-id=ndv-close-button]').click();
	});

	it('executes the demo and shows what was sent, item by item', async () => {
		await page.goto(`/workflow/${DEMO_WORKFLOW}`);
		await node('Reply on Instagram').waitFor();
		await page.locator('[data-test-id=execute-workflow-button]').click();
		await node('Reply on Instagram').locator('[data-test-id=canvas-node-status-success]').waitFor();
		await until('the item count on the canvas', async () => (/2 items/.test(await node('Reply on Instagram').innerText()) ? true : undefined), 30_000);
		assert.match(await node('Reply on Instagram').innerText(), /Message: Send Message/);
		await picture(page, 'canvas');
		const sent = (await sandboxRequests()).filter((r) => r.outcome === 'accepted' && r.proofValid);
		assert.equal(sent.length, 2);
		await node('Reply on Instagram').dblclick();
		const output = page.locator('[data-test-id=output-panel]');
		await until('the output table', async () => (/messageId[\s\S]*mid\./.test(await output.innerText()) ? true : undefined), 30_000);
		const text = await output.innerText();
		assert.match(text, /2 items/);
		for (const column of ['success', 'userId', 'messageId', 'sentAt']) assert.match(text, new RegExp(column));
		assert.match(text, /mid\.imitation\.\d+\.17841400000000001/);
		await picture(ndv(), 'node-panel');
		await page.locator('[data-test-id=ndv-close-button]').click();
	});

	it('shows every option with its whole label, and Messages Per Second as typed', async () => {
		await node('Reply on Instagram').dblclick();
		const added: string[] = [];
		for (let i = 0; i < 10; i++) {
			// With every option added, the Add option button goes.
			const add = ndv().locator('[data-test-id=collection-parameter-add]').first();
			if (!(await add.waitFor({ timeout: 3000 }).then(() => true, () => false))) break;
			await add.click();
			const choices = page.locator('[role=option]:visible, .el-select-dropdown__item:visible');
			// Once every option is added, the list stays empty.
			if (!(await choices.first().waitFor({ timeout: 3000 }).then(() => true, () => false))) break;
			added.push((await choices.first().innerText()).trim());
			await choices.first().click();
		}
		assert.deepEqual(added.sort(), ['Concurrent Requests', 'Max Retries', 'Messages Per Second', 'Messaging Type', 'Reply To Message ID', 'Retry Unknown Deliveries', 'Skip If Sent Before', 'Tag', 'Timeout', 'Workers Sharing Limit']);
		const cut = await ndv()
			.locator('[data-test-id=parameter-item] label')
			.evaluateAll((labels) => labels.filter((label) => label.scrollWidth > label.clientWidth + 1).map((label) => label.textContent?.trim()));
		assert.deepEqual(cut, [], 'no label is cut off');
		assert.equal(await parameter('messagesPerSecond').locator('input').inputValue(), '100');
		await page.locator('[data-test-id=ndv-close-button]').click();
	});

	it("shows a bad input's clear error, and sends nothing", async () => {
		await page.goto('/workflow/new');
		await search('manual');
		await creatorItem(/Trigger manually|Manual/).first().click();
		await search('Instagram', page.locator('[data-test-id=canvas-node]').first());
		await creatorItem(/^Instagram/).first().click();
		await creatorItem('Send a message').first().click();
		await ndv().waitFor();
		await parameter('userId').locator('input, textarea').first().fill('@ada.lovelace');
		await parameter('messageText').locator('textarea, input').first().fill('Hello');
		const before = (await sandboxRequests()).length;
		await page.locator('[data-test-id=node-execute-button]').first().click();
		await until('the error', async () => (/User ID/.test(await page.locator('[data-test-id=output-panel]').innerText()) ? true : undefined), 30_000);
		const text = await page.locator('[data-test-id=output-panel]').innerText();
		assert.match(text, /User ID[\s\S]*IGSID/);
		await picture(ndv(), 'bad-input');
		assert.equal((await sandboxRequests()).length, before, 'nothing reached Meta');
		await page.locator('[data-test-id=ndv-close-button]').click();
	});

	it('serves an output schema for every operation, so fields preview before a run', async () => {
		const response = await page.request.get(`/schemas/${PACKAGE}.instagram/1.0.0/message/sendMessage.json`);
		assert.equal(response.status(), 200);
		const schema = (await response.json()) as { properties: Record<string, unknown> };
		assert.ok(schema.properties.messageId && schema.properties.userId);
		const trigger = await page.request.get(`/schemas/${PACKAGE}.instagramTrigger/1.0.0.json`);
		assert.equal(trigger.status(), 200);
	});

	it("shows the README's AI-agent example", async () => {
		const agent = readmeWorkflow('### The AI-agent example');
		// As the editor calls n8n's REST API: the session cookie, and the browser ID it is bound to.
		const browserId = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('n8n-browserId'));
		const created = await page.request.post('/rest/workflows', { data: { ...agent, active: false }, headers: { 'browser-id': browserId ?? '' } });
		assert.equal(created.status(), 200, await created.text());
		const { data } = (await created.json()) as { data: { id: string } };
		await page.goto(`/workflow/${data.id}`);
		for (const name of ['Instagram Trigger', 'AI Agent', 'Send message', 'Send quick replies', 'Get profile']) await node(name).waitFor();
		assert.match(await node('Send message').innerText(), /Message: Send Message/);
		await picture(page, 'agent-workflow');
	});

	it('causes no error in the browser that comes from the package', () => {
		assert.deepEqual(watched.ours(), []);
	});
});

