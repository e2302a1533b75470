// n8n's processed-data store (what its Remove Duplicates node and a node's
// `checkProcessedAndRecord` helpers use), for the node harness: n8n's own
// DeduplicationHelper (hashing, modes, scopes, maxEntries) behind n8n-core's
// DataDeduplicationService, as n8n installs it at start-up. Only its database table is a
// stand-in: rows in memory, read and rewritten as whole records the way the table's
// repository does, each call yielding to the event loop as a database round trip would.
import { createHash } from 'node:crypto';

import { requireFromRuntime } from './n8nRuntime';

/** One row of n8n's `processed_data` table. */
export interface ProcessedDataRow {
	workflowId: string;
	/** `n:{node id}` for the node scope, `` for the workflow scope. */
	context: string;
	value: { mode: string; data: unknown };
}

interface Where {
	workflowId: string;
	context: string;
}

const rows: ProcessedDataRow[] = [];
let installed = false;

const roundTrip = () => new Promise((resolve) => setImmediate(resolve));
const find = (where: Where) => rows.find((row) => row.workflowId === where.workflowId && row.context === where.context);

/** Installs the store once per process; returns its rows (cleared by `clearProcessedData`). */
export async function useProcessedData(): Promise<readonly ProcessedDataRow[]> {
	if (installed) return rows;
	installed = true;
	const { Container } = requireFromRuntime('@n8n/di');
	const { ProcessedDataRepository } = requireFromRuntime('@n8n/db');
	const { DeduplicationHelper } = requireFromRuntime('n8n/dist/deduplication/deduplication-helper');
	const { DataDeduplicationService } = requireFromRuntime('n8n-core');
	Container.set(ProcessedDataRepository, {
		async findOne({ where }: { where: Where }) {
			await roundTrip();
			const row = find(where);
			return row ? structuredClone(row) : null;
		},
		async insert(row: ProcessedDataRow) {
			await roundTrip();
			rows.push(structuredClone(row));
		},
		async update(where: Where, row: ProcessedDataRow) {
			await roundTrip();
			const stored = find(where);
			if (stored) stored.value = structuredClone(row.value);
		},
		async delete(where: Where) {
			await roundTrip();
			const stored = find(where);
			if (stored) rows.splice(rows.indexOf(stored), 1);
		},
	});
	await DataDeduplicationService.init(new DeduplicationHelper());
	return rows;
}

export function clearProcessedData(): void {
	rows.length = 0;
}

/** How n8n's DeduplicationHelper stores an entry: the MD5 of its text, in base64. */
export function storedEntry(key: string): string {
	return createHash('md5').update(key).digest('base64');
}
