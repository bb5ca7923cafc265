import { Matches } from 'class-validator';

/**
 * A one-line text field (a name, a title): besides the control characters every body value is
 * refused (src/http/input-inspection.ts), tab, line feed and carriage return are refused here,
 * since they have no place in a label and forge line breaks in logs and exports.
 */
export const SingleLine = (): PropertyDecorator =>
  Matches(/^[^\t\n\r]*$/, { message: ({ property }) => `${property} must be a single line (no tab or line break)` });
