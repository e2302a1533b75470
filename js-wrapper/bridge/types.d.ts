// The values that cross the boundary between the Rust core and the TypeScript wrapper.
// The core defines them (src/execution.rs, src/request.rs, src/output.rs, src/catalog.rs,
// src/operations/mod.rs); these types describe their serde forms for the compiler, and
// tests/node/boundaryTypes.test.ts checks every Rust variant against them.
import type { IDataObject } from 'n8n-workflow';

/** Where an error comes from. */
export type ErrorKind = 'setup' | 'input' | 'api' | 'transport' | 'execution';

/** A refusal: the error item for Continue On Fail, and what to raise otherwise. */
export interface ErrorReport {
	kind: ErrorKind;
	code: string;
	/** What went wrong in a word: Meta's errors by meaning (`outside_window`, `person_unavailable`, …), the rest by `code`. */
	reason: string;
	/** Whether the request may have been processed even though no answer says so. */
	deliveryUnknown: boolean;
	message: string;
	hint?: string;
	httpStatus?: number;
	item: IDataObject;
}

export type RateClass = 'send' | 'media' | 'conversations' | 'privateReply' | 'read';

export type RequestBody =
	| { kind: 'json'; text: string }
	| { kind: 'multipart'; parts: MultipartPart[] };

export type MultipartPart =
	| { kind: 'text'; name: string; value: string }
	/** The bytes of the input item's binary property `property`, filled in by the wrapper. */
	| { kind: 'binary'; name: string; property: string; fileName: string; mimeType: string };

/** A request for n8n's HTTP helper to perform. Authentication is added by the credential. */
export interface RequestPlan {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	query?: Array<[string, string]>;
	headers: { 'content-type'?: string; accept: string };
	body?: RequestBody;
	rateClass: RateClass;
	/**
	 * The wrapper may answer identical requests of one execution with one call: `request`,
	 * the same method, URL, query and body; `content`, the same text parts and the same bytes
	 * in each binary part (by SHA-256).
	 */
	coalesce?: 'request' | 'content';
}

/** Meta's limit for one rate class: at most `calls` in any sliding window of `windowMs`. */
export interface RateCap {
	rateClass: RateClass;
	calls: number;
	windowMs: number;
}

/** Where a multi-step item is; the wrapper hands it back with the step's answer. */
export interface Step {
	number: number;
	emitted: number;
	carry?: string;
}

/** Meta's answer to one request, or the transport failure that took its place. */
export interface Answer {
	index: number;
	/** Sends of this request so far, this one included. */
	attempt: number;
	step?: Step;
	/** `headers`: only those the core reads (Catalog.relevantHeaders), when there are any. */
	response?: { status: number; headers?: Record<string, unknown>; body: string };
	failure?: { code: string; message: string };
	nowMs: number;
	random: number;
}

/** What the core decided about one answer. */
export type Verdict =
	| { outcome: 'done'; outputs: IDataObject[]; usagePercent: number | null }
	| { outcome: 'next'; outputs: IDataObject[]; request: RequestPlan; step: Step; usagePercent: number | null }
	| { outcome: 'retry'; afterMs: number; pauseAll: boolean; reason: string; usagePercent: number | null }
	| { outcome: 'failed'; error: ErrorReport; usagePercent: number | null };

export interface Refusal {
	index: number;
	error: ErrorReport;
}

/** Which items the execution refuses, and why. */
export interface Plan {
	setupError?: ErrorReport;
	refused: Refusal[];
	itemCount: number;
	/** Meta's limit per rate class for the credential's login type; empty after a set-up error. */
	rateCaps: RateCap[];
	/** Said in the node's output pane besides the items: an API version past its end. */
	notices: string[];
}

export type PlannedRequest = { request: RequestPlan } | { refused: ErrorReport };

/** A request without its JSON body text, which travels on a line of its own. */
export type RequestHead = Omit<RequestPlan, 'body'> & {
	body?: { kind: 'json' } | Exclude<RequestBody, { kind: 'json' }>;
};

/**
 * How a chunk of requests crosses (src/request_chunk.rs): this document on the first line,
 * then one line per JSON body. Each item names its head and its body line.
 */
export interface RequestChunk {
	heads: RequestHead[];
	items: Array<{ request: { head: number; body?: number } } | { refused: ErrorReport }>;
}

export interface RetryOptions {
	maxRetries: number;
	retryUnknownDelivery: boolean;
}

/** Everything one execution needs, gathered by the wrapper in a single pass. */
export interface ExecutionInput {
	resource: string;
	operation: string;
	credentials: IDataObject;
	environment: Record<string, string | undefined>;
	startedAt: string;
	retry: RetryOptions;
	items: IDataObject[];
}

/** Why an item was never settled. */
export type AbandonReason = 'notSent' | 'coreFailed' | 'coreFailedBeforeSending';

export interface CoreExecution {
	plan(): Plan;
	/** Items `from` to `from + count` (fewer past the last item), encoded as a RequestChunk. */
	requests(from: number, count: number): string;
	settle(answer: Answer): Verdict;
	abandon(index: number, why: AbandonReason): ErrorReport;
	/** The output item of an item an earlier run already sent (Skip If Sent Before). */
	skipped(index: number): IDataObject;
	free(): void;
}

export interface Authorization {
	headers: Record<string, string>;
	qs: Record<string, string>;
	/** `{baseUrl}/{apiVersion}`: where relative Graph paths (the credential test) go. */
	graphBase: string;
}

export type AuthorizeResult = { authorization: Authorization } | { error: { message: string; code: string } };

export type CheckedCredentials = { ok: { apiVersion: string; baseUrl: string } } | { error: { message: string; code: string } };

export interface BinaryFormat {
	mimeType: string;
	mediaType: string;
	maxBytes: number;
}

export type FieldRule =
	| { kind: 'igsid' }
	| { kind: 'text'; maxBytes: number; maxChars: number | null }
	| { kind: 'graphId'; maxLength: number }
	| { kind: 'digits' }
	| { kind: 'boolean'; default: boolean }
	| { kind: 'integer'; min: number; max: number; default: number }
	| { kind: 'urlList'; min: number; max: number; maxLength: number }
	| { kind: 'quickReplies'; maxCount: number; maxTitleChars: number; maxPayloadChars: number }
	| { kind: 'buttons'; min: number; max: number; maxTitleChars: number; maxPayloadChars: number }
	| { kind: 'elements'; maxCount: number; maxTitleChars: number; maxSubtitleChars: number; maxButtons: number }
	| { kind: 'binary'; formats: BinaryFormat[]; default: string }
	| { kind: 'short'; maxChars: number; default: string }
	| { kind: 'choice'; values: string[]; default: string }
	| { kind: 'httpsUrl'; maxLength: number }
	| { kind: 'fieldList'; default: string; maxFields: number };

/**
 * How the wrapper describes an input item's file to the core (the bytes stay in the
 * wrapper): the property, its MIME type, file name and size in bytes, or that it is missing.
 */
export type BinaryDescription =
	| { property: string; mimeType: string; fileName?: string; size: number }
	| { property: string; missing: true };

export interface FieldSpec {
	name: string;
	parameter: string;
	label: string;
	errorCode: string;
	required: boolean;
	rule: FieldRule;
}

export type AnswerKind = 'messageId' | 'recipientId' | 'attachmentId' | 'page' | 'object';

export interface OperationSpec {
	resource: string;
	name: string;
	fields: FieldSpec[];
	outputFields: string[];
	rateClass: RateClass;
	answer: AnswerKind;
	changes: boolean;
}

/** Everything the core declares. */
export interface Catalog {
	nodeVersion: string;
	resources: string[];
	operations: OperationSpec[];
	credentialDefaults: { apiVersion: string; baseUrl: string; loginType: string; newestApiVersion: string };
	retry: { defaultMaxRetries: number; maxMaxRetries: number };
	limits: { textBytes: number };
	optionLabels: { retryUnknownDelivery: string; messagesPerSecond: string; maxRetries: string };
	environment: string[];
	relevantHeaders: string[];
	parameterErrorKey: string;
	/** The failure code for an item's file that cannot be read to upload. */
	fileUnreadableCode: string;
	rateCaps: { facebook: RateCap[]; instagram: RateCap[] };
	loginTypes: string[];
	binaryFormats: BinaryFormat[];
	token: { stateField: string; fields: string[]; warningField: string };
	credentialTest: { path: string; fields: string; rules: Array<{ key: string; value: unknown; message: string }> };
	/** The output schemas; the build writes them as the nodes' __schema__ files and drops them here. */
	outputSchemas?: { operations: Array<{ resource: string; operation: string; schema: IDataObject }>; trigger: IDataObject };
	trigger: {
		events: EventChoice[];
		itemFields: string[];
		dedupMaxKeys: number;
		dedupDefaultHours: number;
		maxChallengeChars: number;
	};
}

/** One webhook request to the Instagram Trigger, as the core reads it (src/webhook/mod.rs). */
export interface WebhookRequest {
	method: string;
	query: Record<string, string>;
	/** Every value of X-Hub-Signature-256. */
	signatures: string[];
	hasBody: boolean;
	/** The secrets to try, by name (`appSecret`, `webhookSecret`); empty ones are skipped. */
	secrets: Array<{ name: string; value: string }>;
	verifyToken: string;
	settings: { events: string[]; includeRawEvent: boolean };
	nowMs: number;
}

/** The core's decision on one webhook request. */
export interface WebhookDecision {
	status: number;
	body: string;
	/** Why it was refused or started nothing; never a secret, the signature or the body. */
	reason?: string;
	/** Which secret's signature matched. */
	matchedSecret?: string;
	items: IDataObject[];
	/** Each item's deduplication key. */
	keys: string[];
}

/** What auto-subscription added (src/webhook/subscription.rs), kept in static data. */
export interface SubscriptionRecord {
	appId: string;
	appFieldsAdded: string[];
	accountEdge: string;
	accountFieldsBefore: string[] | null;
	accountFieldsAdded: string[];
}

export interface SubscriptionCall {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	query: Array<[string, string]>;
	form: Array<[string, string]>;
	/** `app`: send `authorization` as is; `credential`: the credential's own authentication. */
	auth: 'app' | 'credential';
	authorization?: string;
}

export interface SubscriptionStep {
	unsubscribing: boolean;
	input: {
		appId: string;
		appSecret: string;
		callbackUrl: string;
		verifyToken: string;
		fields: string[];
		record: SubscriptionRecord | null;
	};
	credentials: IDataObject;
	answers: Array<{ status: number; body: string }>;
}

export type SubscriptionNext =
	| { next: 'call'; call: SubscriptionCall }
	| { next: 'subscribed'; record: SubscriptionRecord }
	| { next: 'unsubscribed' }
	| { next: 'failed'; message: string };

export interface EventChoice {
	value: string;
	label: string;
	metaField: string;
	default: boolean;
}

export interface CoreBindings {
	Execution: { start(input: ExecutionInput): CoreExecution };
	authorize(credentials: unknown): AuthorizeResult;
	checkCredentials(credentials: unknown): CheckedCredentials;
	verifyHmacSha256(key: Uint8Array, message: Uint8Array, mac: Uint8Array): boolean;
	receiveWebhook(head: WebhookRequest, body: Uint8Array): WebhookDecision;
	webhookSubscription(step: SubscriptionStep): SubscriptionNext;
	catalog(): Catalog;
	tokenPlan(credentials: unknown, nowMs: number): TokenPlan;
	tokenRefreshCall(credentials: unknown, grant?: TokenGrant): TokenRefreshCall | null;
	tokenRenewal(credentials: unknown, answer: TokenRefreshAnswer, nowMs: number, grant?: TokenGrant): TokenRenewal | null;
}

/** Tokens that last: refresh the token now, and what every output item and the credential test warn about. */
export interface TokenPlan {
	renew: boolean;
	warning?: string;
}

/** Meta's two token calls: refresh a token a day old or more, exchange a one-hour token for a 60-day one. */
export type TokenGrant = 'refresh' | 'exchange';

/**
 * The token request; `authorization` is the token's header, for this request only. The
 * exchange's `qs` holds the app secret, as Meta requires: send it to Meta only, never log it.
 */
export interface TokenRefreshCall {
	method: 'GET';
	url: string;
	qs: Array<[string, string]>;
	authorization: string;
}

export type TokenRefreshAnswer = { status: number; body: string } | { failure: string };

/** The credential fields to store after a token call, or (`next`) the call to make instead. */
export interface TokenRenewal {
	next?: TokenGrant;
	accessToken?: string;
	tokenState: string;
	tokenDigest: string;
	tokenExpiresAt: string;
	tokenRenewedAt: string;
	tokenCheckedAt: string;
	tokenRenewalError: string;
}
