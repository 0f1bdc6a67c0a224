-- Parameter versions proposed and published through `policy propose` / `policy approve`. The files in
-- rules/params are the seed: a published version here is merged over them by its effective date, so a
-- new version needs no code release. A version is published by a second manager (four eyes), and once
-- published it never changes: a correction is a new version. Both acts are also written to the
-- `_admin` audit trail.
CREATE TABLE parameter_versions (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  business        text        NOT NULL CHECK (business IN ('lump-sum', 'transfer', 'reimbursement')),
  effective_from  text        NOT NULL CHECK (effective_from ~ '^\d{4}-\d{2}-\d{2}$'),
  document_number text        NOT NULL CHECK (document_number <> ''),
  version         jsonb       NOT NULL,
  file            text        NOT NULL,
  file_sha256     text        NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  status          text        NOT NULL CHECK (status IN ('proposed', 'published')),
  proposed_by     text        NOT NULL,
  proposed_at     timestamptz NOT NULL DEFAULT now(),
  approved_by     text,
  approved_at     timestamptz,
  CHECK ((status = 'published') = (approved_by IS NOT NULL AND approved_at IS NOT NULL)),
  CHECK (approved_by IS NULL OR approved_by <> proposed_by)
);

-- One published version per business and date.
CREATE UNIQUE INDEX parameter_versions_published ON parameter_versions (business, effective_from) WHERE status = 'published';

CREATE FUNCTION parameter_versions_keep_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'parameter version % is published: % refused (publish a new version instead)', OLD.id, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

CREATE TRIGGER parameter_versions_published_unchanged
  BEFORE UPDATE OR DELETE ON parameter_versions
  FOR EACH ROW EXECUTE FUNCTION parameter_versions_keep_published();
