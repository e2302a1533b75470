import { createHash } from 'node:crypto';

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import type { ErrorReport, ExecutionInput } from '../../../bridge/types';
import { GUARD_PARAMETER, GUARDED_OPERATIONS, TRIGGERING_USERS_PARAMETER } from './toolDescription';

/** Whether n8n runs the node as an AI Agent's tool (`…instagramTool`). */
export function isToolMode(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/** Output fields a model has no use for; `appSecretProofUsed` is derived from a secret. */
const NOT_FOR_THE_MODEL = new Set(['appSecretProofUsed', 'nodeVersion', 'timestamp', 'sentAt']);

/** The fields of an error a model can act on, in this order. */
const ERROR_FIELDS = ['errorField', 'errorCode', 'errorSubcode'] as const;

/** A success item as a model reads it. */
export function toolSuccess(item: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(item).filter(([key]) => !NOT_FOR_THE_MODEL.has(key)));
}

/**
 * A failure as a model reads it: what went wrong, a stable reason, the field at fault and
 * what to do. Never a stack or an HTTP dump; the core has already kept secrets out.
 */
export function toolError(operation: string, report: ErrorReport): IDataObject {
	const item: IDataObject = { success: false, operation, error: report.message, reason: report.reason };
	for (const field of ERROR_FIELDS) if (report.item[field] !== undefined) item[field] = report.item[field];
	if (report.hint) item.hint = report.hint;
	if (report.deliveryUnknown) item.deliveryUnknown = true;
	return item;
}

/** What the guard rail refused, as the core would report an input error. */
function notTriggeringUser(operation: string, field: string, value: string, allowed: string[]): IDataObject {
	return {
		success: false,
		operation,
		error: `${value} is not the person this conversation is with: this tool only sends to ${allowed.length > 0 ? allowed.join(', ') : 'the triggering user'}`,
		reason: 'recipient_not_allowed',
		errorField: field,
		hint: 'Send to the userId of the incoming message. (The workflow can allow other recipients by turning off Only Reply To The Triggering User.)',
	};
}

/** The recipient field of a guarded operation: a person, or the comment of a private reply. */
function recipientField(operation: string): string | undefined {
	if (!GUARDED_OPERATIONS.includes(operation)) return undefined;
	const fields = CATALOG.operations.find((op) => op.name === operation)?.fields ?? [];
	return ['userId', 'commentId'].find((name) => fields.some((field) => field.name === name));
}

function idList(value: unknown): string[] {
	const values = Array.isArray(value) ? value : String(value ?? '').split(',');
	return values.map((v) => String(v ?? '').trim()).filter((v) => v !== '' && v !== 'undefined' && v !== 'null');
}

/**
 * A call's place in the memory: its outputs once it may have reached Meta, or, while it is
 * being sent, the promise of them (undefined when it failed without sending anything).
 */
interface Remembered {
	outputs?: IDataObject[];
	pending?: Promise<IDataObject[] | undefined>;
	/** The tool run sending it. */
	owner?: ToolRun;
}

/**
 * The tool calls of the executions running in this process, so an identical call in the
 * same agent run is answered from the first one instead of sending twice, even when the
 * agent makes both at once. An execution runs on one process (in queue mode, one worker),
 * so this in-process memory sees all its calls.
 */
class CallMemory {
	private readonly byExecution = new Map<string, Map<string, Remembered>>();

	constructor(private readonly maxExecutions: number) {}

	get(execution: string, key: string): Remembered | undefined {
		return this.byExecution.get(execution)?.get(key);
	}

	set(execution: string, key: string, entry: Remembered | undefined): void {
		let calls = this.byExecution.get(execution);
		if (!calls) {
			calls = new Map();
			this.byExecution.set(execution, calls);
			// The oldest executions are forgotten first.
			while (this.byExecution.size > this.maxExecutions) this.byExecution.delete(this.byExecution.keys().next().value as string);
		}
		if (entry) calls.set(key, entry);
		else calls.delete(key);
	}
}

const memory = new CallMemory(1000);

function asRepeat(outputs: IDataObject[]): IDataObject[] {
	return outputs.map((item) => ({
		...item,
		reason: 'duplicate_call',
		note: 'The same call was already made in this run; it was not sent again. Do not repeat it.',
	}));
}

export interface ToolDecision {
	/** The item's outputs, decided before anything is sent: refused, or a repeated call. */
	outputs: IDataObject[];
}

/**
 * The tool run of one execution: before sending, the guard rail and repeated calls; after,
 * what the model reads.
 */
export class ToolRun {
	private readonly keys = new Map<number, string>();
	/** The calls this run sends, and how each one's outputs are handed to its repeats. */
	private readonly claimed = new Map<string, (outputs: IDataObject[] | undefined) => void>();
	/** Items of this run that repeat another item of it: the item whose outputs they share. */
	private readonly repeats = new Map<number, number>();

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly input: ExecutionInput,
	) {}

	private get operation(): string {
		return this.input.operation ?? '';
	}

	/**
	 * What an item gets without being sent, if anything. An identical call that another run
	 * is sending at this moment is waited for, then answered from it (or sent, if the first
	 * one sent nothing).
	 */
	async decide(index: number): Promise<ToolDecision | undefined> {
		const params = (this.input.items[index] ?? {}) as IDataObject;
		const field = recipientField(this.operation);
		if (field && params[CATALOG.parameterErrorKey] === undefined && this.ctx.getNodeParameter(GUARD_PARAMETER, index, true) !== false) {
			let allowed: string[];
			try {
				allowed = idList(this.ctx.getNodeParameter(TRIGGERING_USERS_PARAMETER, index, ''));
			} catch (error) {
				return {
					outputs: [
						{
							success: false,
							operation: this.operation,
							error: `The Triggering Users parameter could not be read (${(error as Error).message}), so nothing was sent`,
							reason: 'guard_unavailable',
							hint: "Point Triggering Users at your trigger node, for example {{ $('My Trigger').all().map(item => item.json.userId) }}.",
						},
					],
				};
			}
			const recipient = String(params[field] ?? '').trim();
			if (!allowed.includes(recipient)) return { outputs: [notTriggeringUser(this.operation, field, recipient, allowed)] };
		}
		const spec = CATALOG.operations.find((op) => op.name === this.operation);
		if (!spec?.changes) return undefined;
		const key = createHash('sha256').update(JSON.stringify([this.operation, params])).digest('hex');
		const execution = this.ctx.getExecutionId();
		for (;;) {
			const earlier = memory.get(execution, key);
			if (earlier?.outputs) return { outputs: asRepeat(earlier.outputs) };
			if (earlier?.owner === this) {
				// The same call twice in one batch: the first is sent, this one shares its answer.
				this.repeats.set(index, [...this.keys].find(([, k]) => k === key)![0]);
				return { outputs: [] };
			}
			if (!earlier?.pending) break;
			await earlier.pending;
		}
		this.keys.set(index, key);
		let release: (outputs: IDataObject[] | undefined) => void = () => undefined;
		const pending = new Promise<IDataObject[] | undefined>((resolve) => (release = resolve));
		this.claimed.set(key, release);
		memory.set(execution, key, { pending, owner: this });
		return undefined;
	}

	/** Keeps a sent item's outputs for repeated calls, and shapes them for the model. */
	settled(index: number, outputs: IDataObject[], error: ErrorReport | undefined): IDataObject[] {
		const shaped = [...outputs.map(toolSuccess), ...(error ? [toolError(this.operation, error)] : [])];
		const key = this.keys.get(index);
		if (key !== undefined) {
			// A failure that sent nothing may be tried again (corrected); anything that may have reached Meta is kept.
			const kept = !error || error.deliveryUnknown ? shaped : undefined;
			memory.set(this.ctx.getExecutionId(), key, kept && { outputs: kept });
			this.claimed.get(key)?.(kept);
			this.claimed.delete(key);
		}
		return shaped;
	}

	/** The outputs of an item that repeated another item of this run, once that one settled. */
	repeatOf(index: number, outputsOf: (index: number) => IDataObject[]): IDataObject[] | undefined {
		const first = this.repeats.get(index);
		return first === undefined ? undefined : asRepeat(outputsOf(first));
	}

	/** Lets every call still claimed go (a run that stopped early): nothing of it is remembered. */
	release(): void {
		for (const [key, release] of this.claimed) {
			memory.set(this.ctx.getExecutionId(), key, undefined);
			release(undefined);
		}
		this.claimed.clear();
	}
}
