// What the editor and the AI Agent read, held to a reviewed copy in the repository: the
// Instagram node's description (with its AI tool variant: each operation's tool
// description, the $fromAI defaults a model fills, the guard rail), the Instagram
// Trigger's, and the credential's fields and Test request. description.test.ts checks the
// rules (names, defaults, limits against the core); this file catches every other change
// of the user-facing surface, wording included, so that none ships unreviewed. Parameter
// names and option values are also what saved workflows store.
//
// After an intended change: `UPDATE_SNAPSHOTS=1` with this file rewrites
// tests/node/snapshots/, and the diff of those files is what a reviewer reads.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { loadCredential, loadNode, loadTrigger } from '../support/nodeHarness';

const SNAPSHOTS = path.resolve('tests/node/snapshots');

/** The description as JSON text; a function shows as its name, so that it cannot vanish unseen. */
function serialise(value: unknown): string {
	return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? `[function ${v.name}]` : v), '\t')}\n`;
}

/** The first place where two JSON values differ, as a path, with both sides. */
function firstDifference(expected: unknown, actual: unknown, at = '$'): string | undefined {
	if (typeof expected !== typeof actual || Array.isArray(expected) !== Array.isArray(actual) || (expected === null) !== (actual === null)) {
		return `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
	}
	if (expected && typeof expected === 'object') {
		const e = expected as Record<string, unknown>;
		const a = actual as Record<string, unknown>;
		for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
			const found = firstDifference(e[key], a[key], Array.isArray(expected) ? `${at}[${key}]` : `${at}.${key}`);
			if (found) return found;
		}
		return Object.keys(e).join() === Object.keys(a).join() ? undefined : `${at}: keys in another order`;
	}
	return expected === actual ? undefined : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function matchesSnapshot(name: string, value: unknown): void {
	const file = path.join(SNAPSHOTS, `${name}.json`);
	const text = serialise(value);
	if (process.env.UPDATE_SNAPSHOTS === '1') {
		mkdirSync(SNAPSHOTS, { recursive: true });
		writeFileSync(file, text);
		return;
	}
	assert.ok(existsSync(file), `${file} is missing: run this test with UPDATE_SNAPSHOTS=1 and review the new file`);
	const expected = readFileSync(file, 'utf8');
	if (expected === text) return;
	const difference = firstDifference(JSON.parse(expected), JSON.parse(text)) ?? 'formatting only';
	assert.fail(
		`${name} differs from tests/node/snapshots/${name}.json at ${difference}. If the change is intended, ` +
			'run this test with UPDATE_SNAPSHOTS=1 and commit the reviewed snapshot.',
	);
}

describe('the user-facing descriptions, against their reviewed snapshots', () => {
	it('the Instagram node, with its AI tool variant', () => {
		matchesSnapshot('instagram-node', loadNode().description);
	});

	it('the Instagram Trigger', () => {
		matchesSnapshot('instagram-trigger', loadTrigger().description);
	});

	it('the credential: its fields, how it signs, its Test request', () => {
		matchesSnapshot('credential', loadCredential());
	});

	it('a changed description is reported at the place it changed', () => {
		// The comparison itself: a snapshot check that could not fail would protect nothing.
		const difference = firstDifference({ properties: [{ name: 'userId', default: '' }] }, { properties: [{ name: 'userId', default: 'x' }] });
		assert.equal(difference, '$.properties[0].default: expected "", got "x"');
		assert.equal(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 }), '$: keys in another order');
		assert.equal(firstDifference({ a: [1] }, { a: [1] }), undefined);
	});
});
