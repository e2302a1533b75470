// `GET /{version}/{IGSID}?fields=...`: the profile of a person who messaged the account.
import { ok, refuse } from './graphErrors';
import type { Reply } from './graphErrors';

const PROFILE_FIELDS = [
	'name',
	'username',
	'profile_pic',
	'follower_count',
	'is_user_follow_business',
	'is_business_follow_user',
	'is_verified_user',
];

/** A made-up but stable profile for any IGSID. */
export function profileOf(igsid: string): Record<string, unknown> {
	return {
		id: igsid,
		name: `Person ${igsid.slice(-4)}`,
		username: `person_${igsid.slice(-4)}`,
		profile_pic: `https://cdn.imitation.example/pic/${igsid}.jpg`,
		follower_count: Number(igsid.slice(-3)),
		is_user_follow_business: true,
		is_business_follow_user: false,
		is_verified_user: false,
	};
}

export function readProfile(igsid: string, fields: string | undefined): Reply {
	const asked = (fields ?? 'id').split(',');
	const unknown = asked.find((field) => field !== 'id' && !PROFILE_FIELDS.includes(field));
	if (unknown !== undefined) return refuse(400, 100, `(#100) Tried accessing nonexisting field (${unknown})`);
	const profile = profileOf(igsid);
	return ok(Object.fromEntries([...asked, 'id'].map((field) => [field, profile[field]])), 'profile');
}
