// One execution's conversation with the core, guarded against traps. A trap (a Rust
// panic or any WebAssembly fault) poisons the instance that raised it: the session
// reports a clear error for the call that trapped, moves to a fresh instance and plans
// the same input again there, so later items go on.
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isTrap, loadCore, replaceCore } from './loader';
import type { CoreBindings, CoreExecution, ExecutionInput, PlanReport, Settlement } from './types';

type Guarded<T> = { ok: true; value: T } | { ok: false; trapped: boolean; error: Error };

function attempt<T>(call: () => T): Guarded<T> {
	try {
		return { ok: true, value: call() };
	} catch (error) {
		return { ok: false, trapped: isTrap(error), error: error as Error };
	}
}

export class CoreSession {
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

	plan(): PlanReport {
		return this.guard(
			() => this.execution.plan(),
			() => {
				throw new NodeOperationError(this.node, 'Internal error in the Instagram node core while checking the items');
			},
		);
	}

	settleResponse(index: number, attempt: number, status: number, headers: unknown, body: unknown): Settlement {
		return this.guard(
			() =>
				this.execution.settleResponse(index, attempt, status, headers, body, new Date().toISOString(), Math.random()),
			() => this.internalFailure(),
		);
	}

	settleTransportFailure(index: number, attempt: number, code: unknown, message: unknown): Settlement {
		return this.guard(
			() => this.execution.settleTransportFailure(index, attempt, code, message, Math.random()),
			() => this.internalFailure(),
		);
	}

	free(): void {
		// A trapped instance cannot free its memory; it is then dropped whole.
		attempt(() => this.execution.free());
	}

	private guard<T>(call: () => T, onTrap: () => T): T {
		const result = attempt(call);
		if (result.ok) return result.value;
		if (!result.trapped) {
			throw new NodeOperationError(this.node, result.error, { message: 'The Instagram node core failed' });
		}
		this.core = replaceCore(this.core);
		this.execution = this.core.Execution.start(this.input);
		return onTrap();
	}

	/** The one error item the wrapper shapes itself: the core that would shape it just died. */
	private internalFailure(): Settlement {
		const message =
			'Internal error in the Instagram node core while reading the response; the message may or may not have been sent. Please report this.';
		return {
			outcome: 'failed',
			error: {
				kind: 'deliveryUnknown',
				code: 'core_trap',
				message,
				item: {
					error: message,
					success: false,
					operation: this.input.operation,
					timestamp: this.input.startedAt,
					deliveryUnknown: true,
				},
			},
		};
	}
}
