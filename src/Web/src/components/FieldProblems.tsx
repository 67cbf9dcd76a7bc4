import { ApiError } from '../api/client';

/**
 * A form's problems by field, named as the API names its fields: the form's own checks, over what the API refused
 * on a field (a 4xx whose errors name one).
 */
export function fieldProblems(error: unknown, own: Record<string, string>): Record<string, string> {
  const refused = error instanceof ApiError ? error.errors.filter((e) => e.field) : [];
  return { ...Object.fromEntries(refused.map((e) => [e.field!, e.message])), ...own };
}

/** A control's id and the aria attributes that tie it to its problem, if it has one. */
export function problemProps(form: string, name: string, problems: Record<string, string>) {
  return {
    id: `${form}-${name}`,
    'aria-invalid': problems[name] ? true : undefined,
    'aria-describedby': problems[name] ? `${form}-${name}-problem` : undefined,
  };
}

/** The field's problem, under it. */
export function Problem({ form, name, problems }: { form: string; name: string; problems: Record<string, string> }) {
  return problems[name] ? (
    <span id={`${form}-${name}-problem`} className="error-text">
      {problems[name]}
    </span>
  ) : null;
}

/** A labelled text input with its problem under it, named as the API names the field. */
export function TextField({ form, name, label, problems, defaultValue, decimal = false }: {
  form: string;
  name: string;
  label: string;
  problems: Record<string, string>;
  defaultValue?: string | null | undefined;
  decimal?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={`${form}-${name}`}>{label}</label>
      <input name={name} inputMode={decimal ? 'decimal' : undefined} defaultValue={defaultValue ?? ''} {...problemProps(form, name, problems)} />
      <Problem form={form} name={name} problems={problems} />
    </div>
  );
}
