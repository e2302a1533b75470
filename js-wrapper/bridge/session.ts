// One execution's conversation with the core: plan once, ask each valid item for its
// request, and hand every answer to the core for a verdict.
//
// Guarded against traps. A trap (a Rust panic or any WebAssembly fault) poisons the
// instance that raised it. The core keeps no state between answers (the wrapper carries
// each item's attempt and step, and keeps the output items), so the session moves to a
// fresh instance started from the same input, the item whose call trapped fails with a
// clear error, and every later call goes to the fresh instance. Nothing is replayed.
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isTrap, loadCore, replaceCore } from './loader';
import type {
	AbandonReason,
	Answer,
	CoreBindings,
	CoreExecution,
	ErrorReport,
	ExecutionInput,
	Plan,
	PlannedRequest,
	RequestBody,
	RequestChunk,
	Verdict,
} from './types';

type Guarded<T> = { ok: true; value: T } | { ok: false; trapped: boolean; error: Error };

function attempt<T>(call: () => T): Guarded<T> {
	try {
		return { ok: true, value: call() };
	} catch (error) {
		return { ok: false, trapped: isTrap(error), error: error as Error };
	}
}

/** Reads a chunk of requests as src/request_chunk.rs writes it. */
export function decodeChunk(text: string): PlannedRequest[] {
	const newline = text.indexOf('\n');
	const chunk = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as RequestChunk;
	const bodies = newline < 0 ? [] : text.slice(newline + 1).split('\n');
	return chunk.items.map((item) => {
		if ('refused' in item) return item;
		const head = chunk.heads[item.request.head];
		const body: RequestBody | undefined =
			item.request.body === undefined ? (head.body as RequestBody | undefined) : { kind: 'json', text: bodies[item.request.body] };
		return { request: { ...head, body } };
	});
}

/** How many requests cross the boundary in one call. */
const REQUEST_CHUNK = 64;

export class CoreSession {
	private chunkStart = 0;
	private chunk: PlannedRequest[] = [];

	private constructor(
		private core: CoreBindings,
		private execution: CoreExecution,
		private readonly input: ExecutionInput,
		private readonly node: INode,
	) {}

	static async start(input: ExecutionInput, node: INode): Promise<CoreSession> {
		let core = await loadCore();
		let started = attempt(() => core.Execution.start(input));
		if (!started.ok && started.trapped) {
			core = replaceCore(core);
			started = attempt(() => core.Execution.start(input));
		}
		if (!started.ok) {
			throw new NodeOperationError(node, started.error, { message: 'The Instagram node core failed to start' });
		}
		return new CoreSession(core, started.value, input, node);
	}

	/** The set-up error and the refused items. */
	plan(): Plan {
		const result = attempt(() => this.execution.plan());
		if (result.ok) return result.value;
		if (result.trapped) this.rebuild();
		throw new NodeOperationError(this.node, result.error, {
			message: 'Internal error in the Instagram node core while checking the items',
		});
	}

	/**
	 * Item `index`'s first request, or its refusal. Requests are fetched a chunk at a time,
	 * from `index` on: the node asks for items in order.
	 */
	request(index: number): PlannedRequest {
		const cached = this.chunk[index - this.chunkStart];
		if (cached !== undefined && index >= this.chunkStart) return cached;
		const result = attempt(() => this.execution.requests(index, REQUEST_CHUNK));
		if (result.ok) {
			this.chunkStart = index;
			this.chunk = decodeChunk(result.value);
			return this.chunk[0];
		}
		this.failOrRebuild(result);
		// One item of the chunk trapped: ask for this one alone, on the fresh instance.
		this.chunk = [];
		const single = attempt(() => this.execution.requests(index, 1));
		if (single.ok) return decodeChunk(single.value)[0];
		this.failOrRebuild(single);
		return { refused: this.execution.abandon(index, 'coreFailedBeforeSending') };
	}

	/** The core's verdict on one answer. */
	settle(answer: Answer): Verdict {
		try {
			return this.execution.settle(answer);
		} catch (error) {
			this.failOrRebuild({ trapped: isTrap(error), error: error as Error });
			return { outcome: 'failed', error: this.execution.abandon(answer.index, 'coreFailed'), usagePercent: null };
		}
	}

	/** The error report of an item that was never settled. */
	abandon(index: number, why: AbandonReason): ErrorReport {
		const result = attempt(() => this.execution.abandon(index, why));
		if (result.ok) return result.value;
		this.failOrRebuild(result);
		return this.execution.abandon(index, why);
	}

	/** The output item of an item an earlier run already sent. */
	skipped(index: number): IDataObject {
		const result = attempt(() => this.execution.skipped(index));
		if (result.ok) return result.value;
		this.failOrRebuild(result);
		return this.execution.skipped(index);
	}

	free(): void {
		// A trapped instance cannot free its memory; it is then dropped whole.
		attempt(() => this.execution.free());
	}

	private failOrRebuild(result: { trapped: boolean; error: Error }): void {
		if (!result.trapped) {
			throw new NodeOperationError(this.node, result.error, { message: 'The Instagram node core failed' });
		}
		this.rebuild();
	}

	/** A fresh instance, started from the same input; the core keeps nothing else. */
	private rebuild(): void {
		this.core = replaceCore(this.core);
		this.execution = this.core.Execution.start(this.input);
	}
}
