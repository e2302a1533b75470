import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ErrorReport } from '../../bridge/types';

/** What n8n's error panel shows as the error code: Meta's code and subcode, else the HTTP status. */
function panelCode(report: ErrorReport): string | undefined {
	const code = report.item.errorCode;
	const subcode = report.item.errorSubcode;
	if (typeof code === 'number') return typeof subcode === 'number' ? `${code}/${subcode}` : String(code);
	return report.httpStatus === undefined ? undefined : String(report.httpStatus);
}

/**
 * The n8n error for a core refusal. The message is the core's, unchanged: n8n would
 * otherwise replace an HTTP 400's message with a generic one.
 */
export function toNodeError(
	ctx: IExecuteFunctions,
	report: ErrorReport,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	const description = report.hint;
	if (report.kind === 'api') {
		const response: JsonObject = { ...report.item, message: report.message };
		return new NodeApiError(ctx.getNode(), response, {
			message: report.message,
			description,
			httpCode: panelCode(report),
			itemIndex,
		});
	}
	return new NodeOperationError(ctx.getNode(), report.message, {
		description,
		itemIndex,
		level: report.kind === 'setup' || report.kind === 'input' ? 'warning' : 'error',
	});
}
