// One execution's conversation with the core: a single planning call, one cheap call
// per answer from Meta (a number comes back), and one call for every output item.
//
// Guarded against traps. A trap (a Rust panic or any WebAssembly fault) poisons the
// instance that raised it: the session moves to a fresh instance, plans the same input
// there, replays the answers already settled (the core is deterministic), and has the
// core report the one item whose call trapped as failed, so later items go on.
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isTrap, loadCore, replaceCore } from './loader';
import type { CoreBindings, CoreExecution, ErrorReport, ExecutionInput, RequestPlan, Verdict } from './types';

type Guarded<T> = { ok: true; value: T } | { ok: false; trapped: boolean; error: Error };

function attempt<T>(call: () => T): Guarded<T> {
	try {
		return { ok: true, value: call() };
	} catch (error) {
		return { ok: false, trapped: isTrap(error), error: error as Error };
	}
}

const SENT = -1;
const FAILED = -2;
const NO_HEADERS = '{}';

export interface SessionPlan {
	setupError?: ErrorReport;
	/** Items to send, in input order. */
	jobs: Array<{ index: number; request: RequestPlan }>;
	/** Items the core refused, by input index. */
	refused: Map<number, ErrorReport>;
}

/** A settle call, kept so a fresh instance can be brought to the same state. */
type Replay = (execution: CoreExecution) => number;

export class CoreSession {
	private readonly replays: Replay[] = [];
	private readonly relevantHeaders: string[];

	private constructor(
		private core: CoreBindings,
		private execution: CoreExecution,
		private readonly input: ExecutionInput,
		private readonly node: INode,
	) {
		this.relevantHeaders = core.relevantHeaders();
	}

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

	plan(): SessionPlan {
		const compact = this.guard(
			() => this.execution.planCompact(),
			() => {
				throw new NodeOperationError(this.node, 'Internal error in the Instagram node core while checking the items');
			},
		);
		const refused = new Map<number, ErrorReport>();
		for (const [index, report] of Object.entries(compact.refused)) refused.set(Number(index), report);
		const jobs: SessionPlan['jobs'] = [];
		if (compact.endpoint) {
			const bodies = compact.bodies.split('\n');
			const { method, url, headers } = compact.endpoint;
			bodies.forEach((body, index) => {
				if (!refused.has(index)) jobs.push({ index, request: { method, url, headers, body } });
			});
		}
		return { setupError: compact.setupError, jobs, refused };
	}

	/** Meta answered item `index` (on its `attempt`-th send). */
	settleResponse(index: number, attempt: number, status: number, headers: IDataObject | undefined, body: unknown): Verdict {
		const headersJson = this.pickHeaders(headers);
		const text = typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
		const nowMs = Date.now();
		const random = Math.random();
		return this.settleWith(index, (execution) =>
			execution.settle(index, attempt, status, headersJson, text, nowMs, random),
		);
	}

	/** Item `index`'s request got no answer: `code` is the client's (ECONNREFUSED, ...). */
	settleTransportFailure(index: number, attempt: number, code: string, message: string): Verdict {
		const random = Math.random();
		return this.settleWith(index, (execution) => execution.settleFailure(index, attempt, code, message, random));
	}

	/** One output item per input item, in input order. */
	outputs(): IDataObject[] {
		return this.guard(
			() => this.execution.outputs(),
			() => {
				throw new NodeOperationError(this.node, 'Internal error in the Instagram node core while writing the output');
			},
		);
	}

	free(): void {
		// A trapped instance cannot free its memory; it is then dropped whole.
		attempt(() => this.execution.free());
	}

	private settleWith(index: number, call: Replay): Verdict {
		const result = attempt(() => call(this.execution));
		if (!result.ok) {
			if (!result.trapped) {
				throw new NodeOperationError(this.node, result.error, { message: 'The Instagram node core failed' });
			}
			this.recover();
			const internalFailure: Replay = (execution) => execution.settleInternalFailure(index);
			return this.verdictFor(internalFailure(this.execution), internalFailure);
		}
		return this.verdictFor(result.value, call);
	}

	private verdictFor(code: number, call: Replay): Verdict {
		const usage = this.execution.lastUsagePercent();
		const usagePercent = Number.isNaN(usage) ? undefined : usage;
		if (code === SENT) {
			this.replays.push(call);
			return { outcome: 'sent', usagePercent };
		}
		if (code === FAILED) {
			this.replays.push(call);
			return { outcome: 'failed', error: this.execution.lastError(), usagePercent };
		}
		return {
			outcome: 'retry',
			afterMs: code,
			pauseAll: this.execution.lastPauseAll(),
			reason: this.execution.lastReason(),
			usagePercent,
		};
	}

	private pickHeaders(headers: IDataObject | undefined): string {
		if (!headers) return NO_HEADERS;
		let picked: Record<string, unknown> | undefined;
		for (const name of this.relevantHeaders) {
			const value = headers[name];
			if (value !== undefined && value !== null) (picked ??= {})[name] = value;
		}
		return picked ? JSON.stringify(picked) : NO_HEADERS;
	}

	private guard<T>(call: () => T, onTrap: () => T): T {
		const result = attempt(call);
		if (result.ok) return result.value;
		if (!result.trapped) {
			throw new NodeOperationError(this.node, result.error, { message: 'The Instagram node core failed' });
		}
		this.recover();
		return onTrap();
	}

	/** A fresh instance, brought to where the trapped one was. */
	private recover(): void {
		this.core = replaceCore(this.core);
		this.execution = this.core.Execution.start(this.input);
		for (const replay of this.replays) replay(this.execution);
	}
}
