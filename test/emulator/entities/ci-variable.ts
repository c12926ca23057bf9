/**
 * API::Entities::Ci::Variable (lib/api/entities/ci/variable.rb): the same fields for project and group
 * variables. A hidden variable's value is never shown again (Ci::VariableValue answers nil for it).
 */
import type { EmuVariable } from '../ci-variables.js';

export function ciVariableEntity(variable: EmuVariable): Record<string, unknown> {
  return {
    variable_type: variable.variableType,
    key: variable.key,
    value: variable.hidden ? null : variable.value,
    hidden: variable.hidden,
    protected: variable.protected,
    masked: variable.masked,
    raw: variable.raw,
    environment_scope: variable.environmentScope,
    description: variable.description,
  };
}
