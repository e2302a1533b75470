import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { loadCore } from '../../core/loader';
import { CoreSession } from '../../core/session';
import { toNodeError } from './errors';
import { gather } from './gather';
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
	const { input, options, credentials } = await gather(ctx, itemCount, properties, core);

	const session = await CoreSession.start(input, ctx.getNode());
	try {
		const plan = session.plan();
		if (plan.setupError && !continueOnFail) {
			throw toNodeError(ctx, plan.setupError);
		}
		if (!continueOnFail && plan.refused.size > 0) {
			let first = Infinity;
			for (const index of plan.refused.keys()) first = Math.min(first, index);
			throw toNodeError(ctx, plan.refused.get(first)!, first);
		}

		const settled = await sendAll(ctx, session, plan.jobs, {
			concurrency: options.concurrency,
			messagesPerSecond: options.messagesPerSecond,
			timeout: options.timeout,
			stopOnFailure: !continueOnFail,
		}, credentials);

		if (!continueOnFail) {
			for (const { index } of plan.jobs) {
				const verdict = settled.get(index);
				if (verdict?.outcome === 'failed') throw toNodeError(ctx, verdict.error, index);
			}
		}
		if (settled.size < plan.jobs.length && !continueOnFail) {
			throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled before every message was sent');
		}
		// Items the execution never reached (cancelled) say so in their output.
		return session.outputs().map((json, index) => ({ json, pairedItem: { item: index } }));
	} finally {
		session.free();
	}
}
