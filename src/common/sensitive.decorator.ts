/**
 * Marks a DTO property as secret (passwords, tokens, keys): it is redacted wherever request
 * payloads are summarised, e.g. in the audit trail. The names are collected from the decorators
 * themselves, so a new secret field is protected by declaring it, not by editing a list.
 */
const sensitiveProperties = new Set<string>();

export function Sensitive(): PropertyDecorator {
  return (_target, propertyKey) => {
    if (typeof propertyKey === 'string') sensitiveProperties.add(propertyKey);
  };
}

export function sensitivePropertyNames(): ReadonlySet<string> {
  return sensitiveProperties;
}
