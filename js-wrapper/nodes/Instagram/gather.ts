import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CATALOG } from '../../bridge/generated/catalog';
import type { ExecutionInput } from '../../bridge/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../credentials/InstagramMessagingApi.credentials';
import type { SendOptions } from './descriptions/OptionsDescription';
import { DEFAULT_OPTIONS } from './descriptions/OptionsDescription';
import { readEnvironment } from './environment';

export interface Gathered {
	input: ExecutionInput;
	options: SendOptions;
	credentials: ICredentialsDecrypted | undefined;
}

/** The n8n parameters an operation reads per item, as the core declares them. */
export function operationParameters(operation: string): Array<{ name: string; parameter: string; required: boolean }> {
	return CATALOG.operations.find((spec) => spec.name === operation)?.fields ?? [];
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
			try {
				// An optional field the user never set reads as null: the core applies its default.
				params[field.name] = ctx.getNodeParameter(field.parameter, i, field.required ? undefined : null) as IDataObject[string];
			} catch (error) {
				params[errorKey] = { parameter: field.name, message: (error as Error).message ?? String(error) };
				break;
			}
		}
		items.push(params);
	}

	const rawOptions = (itemCount > 0 ? ctx.getNodeParameter('options', 0, {}) : {}) as IDataObject;
	// An expression can put anything here: numbers that make no sense fall back to the default.
	const number = (name: keyof SendOptions, min: number): number => {
		const value = Number(rawOptions[name] ?? DEFAULT_OPTIONS[name]);
		return Number.isFinite(value) && value >= min ? value : (DEFAULT_OPTIONS[name] as number);
	};
	const options: SendOptions = {
		concurrency: Math.floor(number('concurrency', 1)),
		messagesPerSecond: number('messagesPerSecond', 0),
		maxRetries: Math.floor(number('maxRetries', 0)),
		timeout: number('timeout', 1),
		retryUnknownDelivery: rawOptions.retryUnknownDelivery === true,
	};

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
	};
}
