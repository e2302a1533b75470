import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CoreBindings, ExecutionInput } from '../../core/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../credentials/InstagramMessagingApi.credentials';
import type { SendOptions } from './descriptions/OptionsDescription';
import { DEFAULT_OPTIONS } from './descriptions/OptionsDescription';
import { readEnvironment } from './environment';

export interface Gathered {
	input: ExecutionInput;
	options: SendOptions;
	credentials: ICredentialsDecrypted | undefined;
}

/** The parameters an operation reads per item: its fields in the node description. */
export function operationParameters(properties: INodeProperties[], operation: string): string[] {
	return properties
		.filter((p) => p.name !== 'operation' && p.displayOptions?.show?.operation?.includes(operation))
		.map((p) => p.name);
}

/**
 * Everything the core needs, gathered from n8n in one pass: parameters of every item (an
 * expression that fails becomes that item's error, never the whole run's), the
 * credential, the environment the core requires, options and the clock.
 */
export async function gather(
	ctx: IExecuteFunctions,
	itemCount: number,
	properties: INodeProperties[],
	core: Pick<CoreBindings, 'requiredEnvironment' | 'parameterErrorKey'>,
): Promise<Gathered> {
	const errorKey = core.parameterErrorKey();
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const parameterNames = operationParameters(properties, operation);
	const items: IDataObject[] = [];
	for (let i = 0; i < itemCount; i++) {
		const params: IDataObject = {};
		for (const name of parameterNames) {
			try {
				params[name] = ctx.getNodeParameter(name, i) as IDataObject[string];
			} catch (error) {
				params[errorKey] = { parameter: name, message: (error as Error).message ?? String(error) };
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
			operation,
			credentials: data,
			environment: readEnvironment(core.requiredEnvironment()),
			startedAt: new Date().toISOString(),
			retry: { maxRetries: options.maxRetries, retryUnknownDelivery: options.retryUnknownDelivery },
			items,
		},
		options,
		credentials,
	};
}
