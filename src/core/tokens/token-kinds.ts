/** Every token kind, by name: the one table the operations look a kind up in. */
import type { TokenKind } from './access-token.js';
import { personalTokens } from './personal.js';
import { groupTokens } from './group.js';
import { projectTokens } from './project.js';
import { serviceAccountTokens } from './service-account.js';
import type { ResolvedOwner, TokenKindModule } from './token-kind.js';

const KINDS: { readonly [K in TokenKind]: TokenKindModule<Extract<ResolvedOwner, { kind: K }>> } = {
  personal: personalTokens,
  project: projectTokens,
  group: groupTokens,
  'service-account': serviceAccountTokens,
};

/** The module of the owner's kind, typed for that owner. */
export function tokenKindOf(owner: Pick<ResolvedOwner, 'kind'>): TokenKindModule {
  return KINDS[owner.kind];
}
