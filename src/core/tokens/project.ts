/** Project access tokens (doc/api/project_access_tokens.md): managed by the project's Maintainers and Owners. */
import { resourceAccessTokens } from './resource-access-tokens.js';

export const projectTokens = resourceAccessTokens('project');
