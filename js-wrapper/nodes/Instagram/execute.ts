import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CATALOG } from '../../bridge/generated/catalog';
import { loadCore } from '../../bridge/loader';
import { CoreSession } from '../../bridge/session';
import { toNodeError } from './errors';
import { accountOf, gather, renewTokenIfDue } from './gather';
import { isToolMode, ToolRun } from './tool/toolRun';
import type { ItemResult } from './transport/run';
import { runAll } from './transport/run';

/**
 * One run of the node: gather every item, let the core validate them all in one call,
 * send what is valid, and return every input item's output items, paired to it, in input
 * order (one per item, or several for a read that returns a list).
 *
 * Without Continue On Fail, a setup error or any invalid item stops the node before
 * anything is sent; a request that fails stops further requests and raises that error.
 */
export async function executeNode(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	// As an AI Agent's tool, every failure goes back to the model as an item it can act on.
	const tool = isToolMode(ctx);
	const continueOnFail = tool || ctx.continueOnFail();
	const { input, options, credentials, sentKeys, ...gathered } = await gather(ctx, itemCount);
	let { account } = gathered;

	let session = await CoreSession.start(input, ctx.getNode());
	let toolRun: ToolRun | undefined;
	try {
		let plan = session.plan();
		// Tokens that last: refreshed when due, before anything is sent, and never for a run
		// that sends nothing. The run then signs with the new token.
		let tokenWarning: string | undefined;
		if (!plan.setupError && plan.refused.length < itemCount && (continueOnFail || plan.refused.length === 0)) {
			const token = await renewTokenIfDue(ctx, credentials);
			tokenWarning = token.warning;
			if (token.renewed) {
				const signed = await CoreSession.start(input, ctx.getNode());
				session.free();
				session = signed;
				plan = session.plan();
				account = accountOf(input.credentials as IDataObject);
			}
		} else {
			tokenWarning = (await loadCore()).tokenPlan(input.credentials, Date.now()).warning;
		}
		// An API version past its end (Meta answers it as an older live one), a token about to expire: said beside the items.
		for (const message of [...plan.notices, ...(tokenWarning ? [tokenWarning] : [])]) {
			ctx.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
		}
		if (plan.setupError && !continueOnFail) throw toNodeError(ctx, plan.setupError);
		const results = new Map<number, ItemResult>();
		for (const { index, error } of plan.refused) results.set(index, { outputs: [], error });
		if (!continueOnFail && plan.refused.length > 0) {
			// The core lists refused items in input order.
			const [first] = plan.refused;
			throw toNodeError(ctx, first.error, first.index);
		}
		// A tool call to someone outside the conversation, or one already made in this run,
		// is answered without sending.
		toolRun = tool ? new ToolRun(ctx, input) : undefined;
		const decided = new Map<number, IDataObject[]>();
		for (let index = 0; toolRun && index < itemCount; index++) {
			const decision = results.has(index) ? undefined : await toolRun.decide(index);
			if (decision) decided.set(index, decision.outputs);
		}

		const valid = Array.from({ length: itemCount }, (_, index) => index).filter((index) => !results.has(index) && !decided.has(index));
		const settled = await runAll(
			ctx,
			session,
			valid,
			{
				concurrency: options.concurrency,
				messagesPerSecond: options.messagesPerSecond,
				rateCaps: plan.rateCaps ?? [],
				account,
				workerShare: options.workers,
				timeout: options.timeout,
				stopOnFailure: !continueOnFail,
				sentKeys,
			},
			credentials,
		);
		for (const [index, result] of settled) results.set(index, result);

		if (!continueOnFail) {
			for (const index of valid) {
				const error = results.get(index)?.error;
				if (error) throw toNodeError(ctx, error, index);
			}
			if (valid.some((index) => !results.has(index))) {
				throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled before every message was sent');
			}
		}

		// Each input item's outputs, paired to it; an item the execution never reached says so.
		const outputs = new Map<number, IDataObject[]>();
		for (let index = 0; index < itemCount; index++) {
			if (decided.has(index)) continue;
			const result = results.get(index) ?? { outputs: [], error: session.abandon(index, 'notSent') };
			outputs.set(
				index,
				toolRun ? toolRun.settled(index, result.outputs, result.error) : [...result.outputs, ...(result.error ? [result.error.item] : [])],
			);
		}
		const output: INodeExecutionData[] = [];
		for (let index = 0; index < itemCount; index++) {
			const items = toolRun?.repeatOf(index, (first) => outputs.get(first) ?? []) ?? decided.get(index) ?? outputs.get(index) ?? [];
			for (const json of items) {
				// The token expires within 7 days and could not be refreshed: every item says so.
				if (tokenWarning) json[CATALOG.token.warningField] = tokenWarning;
				output.push({ json, pairedItem: { item: index } });
			}
		}
		return output;
	} finally {
		toolRun?.release();
		session.free();
	}
}
