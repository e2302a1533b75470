import { createHash } from 'node:crypto';

import type { IBinaryData, ICredentialsDecrypted, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CATALOG } from '../../bridge/generated/catalog';
import { loadCore } from '../../bridge/loader';
import type { BinaryDescription, ExecutionInput, FieldSpec } from '../../bridge/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../credentials/InstagramMessagingApi.credentials';
import type { SendOptions } from './descriptions/OptionsDescription';
import { DEFAULT_OPTIONS, optionRange, SENT_KEY_OPTION } from './descriptions/OptionsDescription';
import { readEnvironment } from './environment';

export interface Gathered {
	input: ExecutionInput;
	options: SendOptions;
	credentials: ICredentialsDecrypted | undefined;
	/** The account Meta's per-account limits count against: a hash of the token, never the token. */
	account: string;
	/** Skip If Sent Before: each item's key, where the option is set. */
	sentKeys: Map<number, string>;
}

/** The n8n parameters an operation reads per item, as the core declares them. */
export function operationParameters(operation: string): FieldSpec[] {
	return CATALOG.operations.find((spec) => spec.name === operation)?.fields ?? [];
}

/**
 * An input item's file as the core checks it: the binary field's name, MIME type, file name
 * and size in bytes. The bytes stay here; they are read only to upload (and to recognise
 * identical files).
 */
export async function describeBinary(ctx: IExecuteFunctions, itemIndex: number, property: unknown): Promise<BinaryDescription> {
	const name = typeof property === 'string' ? property.trim() : String(property ?? '');
	let binary: IBinaryData;
	try {
		binary = ctx.helpers.assertBinaryData(itemIndex, name);
	} catch {
		return { property: name, missing: true };
	}
	let size = typeof binary.bytes === 'number' ? binary.bytes : undefined;
	if (size === undefined && binary.id) size = (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	size ??= Buffer.byteLength(binary.data ?? '', 'base64');
	return { property: name, mimeType: binary.mimeType, fileName: binary.fileName, size };
}

/**
 * Everything the core needs, gathered from n8n in one pass: the fields the operation
 * reads for every item (an expression that fails becomes that item's error, never the
 * whole run's), the credential, the environment the core requires, options and the clock.
 */
export async function gather(ctx: IExecuteFunctions, itemCount: number): Promise<Gathered> {
	const errorKey = CATALOG.parameterErrorKey;
	const resource = ctx.getNodeParameter('resource', 0, CATALOG.resources[0]) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const fields = operationParameters(operation);
	const items: IDataObject[] = [];
	for (let i = 0; i < itemCount; i++) {
		const params: IDataObject = {};
		for (const field of fields) {
			// Fields that share a parameter (Media Type for a URL or a file) read it once.
			if (field.name in params) continue;
			try {
				// A field the user never set, or one hidden for this choice, reads as null: the core
				// applies its default or says it is required.
				const fallback = field.rule.kind === 'binary' ? field.rule.default : null;
				const value = ctx.getNodeParameter(field.parameter, i, fallback) as IDataObject[string];
				params[field.name] =
					field.rule.kind === 'binary' ? ((await describeBinary(ctx, i, value)) as unknown as IDataObject) : value;
			} catch (error) {
				params[errorKey] = { parameter: field.name, message: (error as Error).message ?? String(error) };
				break;
			}
		}
		items.push(params);
	}

	// Each option on its own: a per-item option (Skip If Sent Before) that fails to evaluate
	// refuses its item, not the run.
	const option = (name: keyof SendOptions): unknown => (itemCount > 0 ? ctx.getNodeParameter(`options.${name}`, 0, DEFAULT_OPTIONS[name]) : DEFAULT_OPTIONS[name]);
	// An expression can put anything here: a value outside the option's range stops the node
	// before anything is sent, with the range (the editor keeps typed values inside it).
	const number = (name: keyof SendOptions, whole: boolean): number => {
		const raw = option(name) ?? DEFAULT_OPTIONS[name];
		const value = Number(raw);
		const { label, min, max } = optionRange(name);
		if (raw === '' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
			throw new NodeOperationError(ctx.getNode(), `${label} must be ${whole ? 'a whole number ' : ''}from ${min} to ${max}; it is ${JSON.stringify(raw)}`, {
				description: 'Nothing was sent. Change the option, or the expression that sets it.',
			});
		}
		return value;
	};
	const options: SendOptions = {
		concurrency: number('concurrency', true),
		messagesPerSecond: number('messagesPerSecond', false),
		maxRetries: number('maxRetries', true),
		timeout: number('timeout', false),
		retryUnknownDelivery: option('retryUnknownDelivery') === true,
		workers: number('workers', true),
	};

	// Skip If Sent Before, for operations that send: a key per item, as its expression gives it.
	const sentKeys = new Map<number, string>();
	if (CATALOG.operations.find((spec) => spec.name === operation)?.changes) {
		for (let i = 0; i < itemCount; i++) {
			try {
				const key = String(ctx.getNodeParameter(SENT_KEY_OPTION, i, '') ?? '').trim();
				if (key !== '') sentKeys.set(i, key);
			} catch (error) {
				// A key that cannot be read refuses its item, like any other parameter: it is not sent.
				items[i][errorKey] ??= { parameter: 'Skip If Sent Before', message: (error as Error).message ?? String(error) };
			}
		}
	}

	const data = (await ctx.getCredentials(INSTAGRAM_CREDENTIAL_TYPE)) ?? {};
	const reference = ctx.getNode().credentials?.[INSTAGRAM_CREDENTIAL_TYPE];
	const credentials: ICredentialsDecrypted | undefined = reference?.id
		? { id: reference.id, name: reference.name, type: INSTAGRAM_CREDENTIAL_TYPE, data }
		: undefined;
	return {
		input: {
			resource,
			operation,
			credentials: data,
			environment: readEnvironment(CATALOG.environment),
			startedAt: new Date().toISOString(),
			retry: { maxRetries: options.maxRetries, retryUnknownDelivery: options.retryUnknownDelivery },
			items,
		},
		options,
		credentials,
		sentKeys,
		account: accountOf(data),
	};
}

/** The account Meta's limits count against: the token names it; the login type and base URL keep a test server apart. */
export function accountOf(data: IDataObject): string {
	return createHash('sha256')
		.update(`instagram-account:${String(data.loginType ?? '')}:${String(data.baseUrl ?? '')}:${String(data.accessToken ?? '')}`)
		.digest('hex');
}

/**
 * Tokens that last: when the core says the token is due for a refresh, one request goes
 * through n8n with the credential's state field emptied, so n8n runs the credential's
 * preAuthentication (which refreshes) and stores what it returns; `credentials.data` then
 * holds the new token for this run's requests. `renewed`: the token changed. `warning`:
 * what every output item carries when the token expires within 7 days and could not be
 * refreshed.
 */
export async function renewTokenIfDue(
	ctx: IExecuteFunctions,
	credentials: ICredentialsDecrypted | undefined,
): Promise<{ renewed: boolean; warning: string | undefined }> {
	if (!credentials?.data) return { renewed: false, warning: undefined };
	const core = await loadCore();
	const before = credentials.data.accessToken;
	if (core.tokenPlan(credentials.data, Date.now()).renew) {
		const probe: ICredentialsDecrypted = { ...credentials, data: { ...credentials.data, [CATALOG.token.stateField]: '' } };
		try {
			await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				INSTAGRAM_CREDENTIAL_TYPE,
				{ method: 'GET', url: `/${CATALOG.credentialTest.path}`, qs: { fields: 'id' }, ignoreHttpStatusErrors: true, returnFullResponse: true },
				{ credentialsDecrypted: probe },
			);
		} catch {
			// Meta or the network refused the check: the run's own requests say what is wrong.
		}
		if (probe.data && probe.data[CATALOG.token.stateField] !== '') Object.assign(credentials.data, probe.data);
	}
	return { renewed: credentials.data.accessToken !== before, warning: core.tokenPlan(credentials.data, Date.now()).warning };
}
