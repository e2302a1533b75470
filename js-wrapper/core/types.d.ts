// The shapes that cross the boundary between the Rust core and the TypeScript wrapper.
// The core defines them (src/execution.rs, src/output.rs, src/request.rs); these types
// only describe them for the compiler.
import type { IDataObject } from 'n8n-workflow';

export type ErrorKind = 'setup' | 'input' | 'api' | 'deliveryUnknown' | 'transport';

/** A refusal: the error item for Continue On Fail, and what to raise otherwise. */
export interface ErrorReport {
	kind: ErrorKind;
	code: string;
	message: string;
	hint?: string;
	httpStatus?: number;
	item: IDataObject;
}

/** A request for n8n's HTTP helper to perform. Authentication is added by the credential. */
export interface RequestPlan {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	body?: string;
}

/** The plan as it crosses the boundary: one shared request, item i's body on line i. */
export interface CompactPlan {
	setupError?: ErrorReport;
	endpoint: RequestPlan | null;
	bodies: string;
	refused: Record<string, ErrorReport>;
}

/** What the core decided about one answer (or missing answer) from Meta. */
export type Verdict =
	| { outcome: 'sent'; usagePercent?: number }
	| { outcome: 'retry'; afterMs: number; pauseAll: boolean; reason: string; usagePercent?: number }
	| { outcome: 'failed'; error: ErrorReport; usagePercent?: number };

export interface RetryOptions {
	maxRetries: number;
	retryUnknownDelivery: boolean;
}

/** Everything one execution needs, gathered by the wrapper in a single pass. */
export interface ExecutionInput {
	operation: string;
	credentials: IDataObject;
	environment: Record<string, string | undefined>;
	startedAt: string;
	retry: RetryOptions;
	items: IDataObject[];
}

export interface CoreExecution {
	planCompact(): CompactPlan;
	itemCount(): number;
	/** -1 sent, -2 failed (see lastError), otherwise the wait in ms before resending. */
	settle(index: number, attempt: number, status: number, headersJson: string, body: string, nowMs: number, random: number): number;
	settleFailure(index: number, attempt: number, code: string, message: string, random: number): number;
	/** Item `index` failed because an earlier instance trapped on its answer. */
	settleInternalFailure(index: number): number;
	lastPauseAll(): boolean;
	lastUsagePercent(): number;
	lastReason(): string;
	lastError(): ErrorReport;
	outputs(): IDataObject[];
	free(): void;
}

export interface Authorization {
	headers: Record<string, string>;
	qs: Record<string, string>;
	/** `{baseUrl}/{apiVersion}`: where relative Graph paths (the credential test) go. */
	graphBase: string;
}

export type AuthorizeResult = { authorization: Authorization } | { error: { message: string; code: string } };

export interface CoreBindings {
	Execution: { start(input: ExecutionInput): CoreExecution };
	authorize(credentials: unknown): AuthorizeResult;
	nodeVersion(): string;
	requiredEnvironment(): string[];
	relevantHeaders(): string[];
	parameterErrorKey(): string;
}
