// The Instagram Trigger's description (the names workflows store, written out here so a
// rename fails, and the choices the core declares), and its deduplication window on
// explicit times: bounded by count and age, exact within a process, carried through the
// text static data keeps.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { Catalog } from '../../js-wrapper/bridge/types';
import { loadTrigger } from '../support/nodeHarness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CATALOG } = require(path.resolve('dist/js-wrapper/bridge/generated/catalog.js')) as { CATALOG: Catalog };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SeenWindow, windowFor } = require(path.resolve('dist/js-wrapper/nodes/InstagramTrigger/deduplication.js'));

const HOUR = 3_600_000;

describe('Instagram Trigger description', () => {
	const { description } = loadTrigger();
	const byName = Object.fromEntries(description.properties.map((p) => [p.name, p])) as Record<string, INodeProperties>;
	const options = (byName.options.options ?? []) as INodeProperties[];
	const option = (name: string) => options.find((o) => o.name === name)!;

	it('is a trigger with one path for GET and POST, answering Meta itself, with the Instagram credential', () => {
		assert.equal(description.name, 'instagramTrigger');
		assert.deepEqual(description.group, ['trigger']);
		assert.deepEqual(description.inputs, []);
		assert.deepEqual(
			description.webhooks?.map((w) => [w.httpMethod, w.path, w.responseMode]),
			[
				['GET', 'webhook', 'onReceived'],
				['POST', 'webhook', 'onReceived'],
			],
		);
		assert.deepEqual(description.credentials?.map((c) => [c.name, c.required]), [['instagramMessagingApi', true]]);
	});

	it('offers the events workflows store, message alone on by default and echoes off', () => {
		const events = byName.events;
		assert.equal(events.type, 'multiOptions');
		const values = ((events.options ?? []) as INodePropertyOptions[]).map((o) => o.value);
		assert.deepEqual(values, ['message', 'echo', 'reaction', 'postback', 'read', 'referral', 'comment', 'liveComment', 'mention']);
		assert.deepEqual(values, CATALOG.trigger.events.map((e) => e.value));
		assert.deepEqual(events.default, ['message']);
	});

	it('asks for a Verify Token as a required password, and offers the options by their stored names', () => {
		assert.equal(byName.verifyToken.required, true);
		assert.equal(byName.verifyToken.typeOptions?.password, true);
		assert.deepEqual(options.map((o) => o.name).sort(), ['autoSubscribe', 'deduplicationWindow', 'includeRawEvent']);
		assert.equal(option('deduplicationWindow').default, 24);
		assert.equal(option('deduplicationWindow').default, CATALOG.trigger.dedupDefaultHours);
		assert.equal(CATALOG.trigger.dedupMaxKeys, 10_000);
		assert.match(String(option('deduplicationWindow').description), /10000/);
		assert.equal(option('includeRawEvent').default, false);
		assert.equal(option('autoSubscribe').default, false);
	});
});

describe('deduplication window', () => {
	it('admits a key once, and again only after it has aged out of the window', () => {
		const window = new SeenWindow(10, HOUR);
		assert.equal(window.admit('mid:1', 0), true);
		assert.equal(window.admit('mid:1', 1), false);
		assert.equal(window.admit('mid:2', 1), true);
		assert.equal(window.admit('mid:1', HOUR - 1), false, 'still inside the window');
		assert.equal(window.admit('mid:1', HOUR), true, 'an hour later it is new again');
	});

	it('keeps at most the newest N keys, forgetting the oldest first', () => {
		const window = new SeenWindow(3, HOUR);
		for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) assert.equal(window.admit(key, i), true);
		assert.equal(window.admit('b', 10), false);
		assert.equal(window.admit('d', 10), false);
		assert.equal(window.admit('a', 10), true, 'the oldest key was dropped when the fourth came');
	});

	it('carries its keys through the text static data keeps, to another process or after a restart', () => {
		const first = new SeenWindow(100, HOUR);
		first.admit('mid:1', 0);
		first.admit('mid:2', 1_000);
		const saved = first.save();
		assert.equal(typeof saved, 'string');
		assert.ok(!saved.includes('mid:'), 'digests are kept, not the keys');
		// The stored format, written out so a change fails: 12 hex digits of each key's digest
		// and when it is forgotten (seconds, base 36).
		assert.match(saved, /^[0-9a-f]{12}:[0-9a-z]+;[0-9a-f]{12}:[0-9a-z]+$/);
		const second = new SeenWindow(100, HOUR);
		second.admit('mid:3', 2_000);
		second.merge(saved, 2_000);
		assert.equal(second.admit('mid:1', 3_000), false);
		assert.equal(second.admit('mid:2', 3_000), false);
		assert.equal(second.admit('mid:3', 3_000), false);
		assert.equal(second.admit('mid:4', 3_000), true);
	});

	it('takes in no saved key that has already expired, and nothing from text that is not a window', () => {
		const first = new SeenWindow(100, HOUR);
		first.admit('old', 0);
		const saved = first.save();
		const later = new SeenWindow(100, HOUR);
		later.merge(saved, 2 * HOUR);
		assert.equal(later.admit('old', 2 * HOUR), true);
		const fresh = new SeenWindow(100, HOUR);
		for (const junk of [undefined, 42, '', ';;', 'zz:zz', { a: 1 }]) fresh.merge(junk, 0);
		assert.equal(fresh.admit('anything', 0), true);
	});

	it('takes in a full window from static data whole, and keys it already holds take no room twice', () => {
		const saved = new SeenWindow(3, HOUR);
		for (const [i, key] of ['a', 'b', 'c'].entries()) saved.admit(key, i * 1_000);
		const text = saved.save();
		const whole = new SeenWindow(3, HOUR);
		whole.merge(text, 5_000);
		for (const key of ['a', 'b', 'c']) assert.equal(whole.admit(key, 5_000), false, key);
		// This process already saw a and b (at the same times): only c is new to it.
		const overlapping = new SeenWindow(3, HOUR);
		overlapping.admit('a', 0);
		overlapping.admit('b', 1_000);
		overlapping.merge(text, 5_000);
		for (const key of ['a', 'b', 'c']) assert.equal(overlapping.admit(key, 5_000), false, key);
	});

	it('keeps the newest N keys when static data brings more, whichever side they come from', () => {
		// This process saw c last; the saved window holds older a and b.
		const saved = new SeenWindow(2, HOUR);
		saved.admit('a', 0);
		saved.admit('b', 1_000);
		const window = new SeenWindow(2, HOUR);
		window.admit('c', 2_000);
		window.merge(saved.save(), 2_000);
		assert.equal(window.admit('c', 3_000), false, 'the newest key is kept');
		assert.equal(window.admit('b', 3_000), false);
		assert.equal(window.admit('a', 3_000), true, 'a was the oldest of three in a window of two');
	});

	it('gives no room to damaged entries of a saved window (no digest, or a time beyond any clock)', () => {
		const window = new SeenWindow(1, HOUR);
		window.admit('kept', 0);
		const later = (Math.ceil((10 * HOUR) / 1000)).toString(36);
		window.merge(`:${later};0123456789ab:${'z'.repeat(400)};:`, 1_000);
		assert.equal(window.admit('kept', 2_000), false);
	});

	it('gives each trigger node its own window, and none when the window is 0 hours', () => {
		const a = windowFor('workflow:nodeA', 10, 24);
		assert.equal(windowFor('workflow:nodeA', 10, 24), a, 'the same node keeps its window');
		assert.notEqual(windowFor('workflow:nodeB', 10, 24), a);
		assert.equal(windowFor('workflow:nodeA', 10, 0), undefined);
	});
});
