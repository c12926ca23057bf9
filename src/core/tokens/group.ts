/** Group access tokens (doc/api/group_access_tokens.md): managed by the group's Owners. */
import { resourceAccessTokens } from './resource-access-tokens.js';

export const groupTokens = resourceAccessTokens('group');
