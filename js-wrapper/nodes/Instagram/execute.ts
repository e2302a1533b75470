import type { IExecuteFunctions, IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { loadCore } from '../../core/loader';
import { CoreSession } from '../../core/session';
import type { ErrorReport } from '../../core/types';
import { toNodeError } from './errors';
import { gather } from './gather';
import type { SendJob } from './transport/send';
import { sendAll } from './transport/send';

/**
 * One run of the node: gather every item, let the core validate and plan them all in one
 * call, send what is valid, and return exactly one output item per input item, paired.
 *
 * Without Continue On Fail, a setup error or any invalid item stops the node before
 * anything is sent; a send that fails stops further sends and raises that error.
 */
export async function executeNode(
	ctx: IExecuteFunctions,
	properties: INodeProperties[],
): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	const core = await loadCore();
	const { input, options, credentials } = await gather(ctx, itemCount, properties, core.requiredEnvironment());

	const session = await CoreSession.start(input, ctx.getNode());
	try {
		const plan = session.plan();
		if (plan.setupError && !continueOnFail) {
			throw toNodeError(ctx, plan.setupError);
		}

		const results: IDataObject[] = new Array(itemCount);
		const jobs: SendJob[] = [];
		plan.items.forEach((itemPlan, index) => {
			if ('send' in itemPlan) {
				jobs.push({ index, request: itemPlan.send });
				return;
			}
			if (!continueOnFail) throw toNodeError(ctx, itemPlan.refused, index);
			results[index] = itemPlan.refused.item;
		});

		const settled = await sendAll(ctx, session, jobs, {
			concurrency: options.concurrency,
			messagesPerSecond: options.messagesPerSecond,
			timeout: options.timeout,
			stopOnFailure: !continueOnFail,
		}, credentials);

		let firstFailure: { index: number; error: ErrorReport } | undefined;
		for (const { index } of jobs) {
			const settlement = settled.get(index);
			if (settlement?.outcome === 'sent') {
				results[index] = settlement.item;
			} else if (settlement?.outcome === 'failed') {
				results[index] = settlement.error.item;
				firstFailure ??= { index, error: settlement.error };
			}
		}
		if (firstFailure && !continueOnFail) {
			throw toNodeError(ctx, firstFailure.error, firstFailure.index);
		}
		if (settled.size < jobs.length) {
			// Only an execution cancelled by the user leaves items unsent.
			throw new Error('The execution was cancelled before every message was sent');
		}
		return results.map((json, index) => ({ json, pairedItem: { item: index } }));
	} finally {
		session.free();
	}
}
