/** A channel notification that cannot be decoded or lacks/garbles a field we rely on; `field` names the culprit. */
export class NotificationFormatError extends Error {
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.name = "NotificationFormatError";
    this.field = field;
  }
}
