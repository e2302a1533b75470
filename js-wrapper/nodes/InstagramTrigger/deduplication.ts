import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

/**
 * The events a trigger has seen, for a bounded window (a number of keys and an age), so
 * Meta's repeat deliveries start nothing.
 *
 * Within one n8n process the window is exact: admitting a key is a synchronous
 * check-and-record, so two deliveries of one event, however close together, start one
 * execution. The window is also kept in the node's static data (as short digests), which
 * n8n loads before and saves after each request: a repeat that comes after a restart, or
 * to another webhook process of a queue-mode n8n, is caught too, unless two processes take
 * the same event at the same moment (static data has no lock; the last writer wins).
 */
export class SeenWindow {
	/** Digest of the key → when it is forgotten (ms). Oldest first. */
	private readonly seen = new Map<string, number>();
	private lastMerged: string | undefined;

	constructor(
		private readonly maxKeys: number,
		private readonly ttlMs: number,
	) {}

	/** Whether `key` is new (then it is recorded). */
	admit(key: string, now: number): boolean {
		this.forget(now);
		const digest = digestOf(key);
		if (this.seen.has(digest)) return false;
		this.seen.set(digest, now + this.ttlMs);
		while (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value as string);
		return true;
	}

	/** Takes in what another process (or this one before a restart) saved. */
	merge(saved: unknown, now: number): void {
		if (typeof saved !== 'string' || saved === this.lastMerged) return;
		this.lastMerged = saved;
		const entries: Array<[string, number]> = [];
		for (const entry of saved.split(';')) {
			const [digest, expiry] = entry.split(':');
			const at = Number.parseInt(expiry, 36) * 1000;
			if (digest && Number.isFinite(at) && at > now && !this.seen.has(digest)) entries.push([digest, at]);
		}
		if (entries.length === 0) return;
		// Keep the map oldest first: rebuild it in expiry order.
		const all = [...this.seen.entries(), ...entries].sort((a, b) => a[1] - b[1]).slice(-this.maxKeys);
		this.seen.clear();
		for (const [digest, at] of all) this.seen.set(digest, at);
	}

	/** The window as static data keeps it: `digest:expiry(s, base 36)` entries, `;`-separated. */
	save(): string {
		const text = [...this.seen.entries()].map(([digest, at]) => `${digest}:${Math.ceil(at / 1000).toString(36)}`).join(';');
		this.lastMerged = text;
		return text;
	}

	private forget(now: number): void {
		for (const [digest, at] of this.seen) {
			if (at > now) break;
			this.seen.delete(digest);
		}
	}
}

/** 12 hex digits of SHA-256: short enough to keep 10,000 in static data, long enough never to collide by chance. */
function digestOf(key: string): string {
	return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

const windows = new Map<string, SeenWindow>();

/** The window of one trigger node in this process, created on first use. */
export function windowFor(id: string, maxKeys: number, hours: number): SeenWindow | undefined {
	if (!(hours > 0)) return undefined;
	const key = `${id}:${maxKeys}:${hours}`;
	let window = windows.get(key);
	if (!window) {
		window = new SeenWindow(maxKeys, hours * 3_600_000);
		windows.set(key, window);
	}
	return window;
}

/** The static data key the window is saved under. */
export const SEEN_KEY = 'seenEvents';

export function savedWindow(staticData: IDataObject): unknown {
	return staticData[SEEN_KEY];
}
