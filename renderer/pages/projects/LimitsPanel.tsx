import { Alert, Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { IconFileCode } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import type { Project } from '../../../main/core/access/projects';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LimitFields } from '../../components/LimitFields';
import { limitInput, limitInputs, limitProblem, limitValues } from '../../components/limits';
import { notifyDone } from '../../components/notify';
import { useLimitValues } from '../../components/useLimitValues';
import { useAction } from '../../components/useAction';

const FIELDS = ['requestsPerMinute', 'tokensPerMinute', 'monthlyTokenBudget'] as const;

interface Props {
  project: Project;
  canManage: boolean;
  /** Shows the rendered gateway config (apikey:view); absent when the role may not see it. */
  onViewConfig?: () => void;
  onSaved(project: Project): void;
}

/** What every cluster's gateway allows this project, and whether it logs the project's bodies. */
export function LimitsPanel({ project, canManage, onViewConfig, onSaved }: Props) {
  const [logBodies, setLogBodies] = useState(project.logBodies);
  const { busy, error, setError, run } = useAction();
  const { values, setValues, change, errors } = useLimitValues(error, limitValues(project));

  useEffect(() => {
    setValues(limitValues(project));
    setLogBodies(project.logBodies);
    setError(null);
  }, [project, setError]);

  const changed = FIELDS.some((f) => limitInput(values[f]) !== project[f]) || logBodies !== project.logBodies;
  const invalid = FIELDS.some((f) => limitProblem(values[f]) !== null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const saved = await call('projects:setLimits', {
        projectId: project.id,
        ...limitInputs(values),
        logBodies,
      });
      notifyDone(`Saved limits for ${saved.name}`, 'Synced gateways pick the change up automatically.');
      onSaved(saved);
    });
  };

  return (
    <Paper withBorder p="md" data-testid="limits-panel">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Title order={4}>Gateway limits for {project.name}</Title>
              <Text size="sm" c="dimmed">
                Every cluster's gateway enforces these for all of the project's keys together; keys and models can have their own limits too. A request over a rate limit gets HTTP 429 with Retry-After.
              </Text>
            </div>
            {onViewConfig && (
              <Button variant="default" size="xs" style={{ flexShrink: 0 }} leftSection={<IconFileCode size={14} />} onClick={onViewConfig} data-testid="view-gateway-config">
                View gateway config
              </Button>
            )}
          </Group>
          <LimitFields
            fields={FIELDS}
            values={values}
            onChange={change}
            scope="the whole project"
            errors={errors}
            disabled={!canManage}
            testIdPrefix="project-limit"
          />
          <Switch
            label="Log request and response bodies"
            description="The gateway's access log will include this project's prompts and answers (API keys, passwords and tokens redacted). Off by default; turn it on only where your data policy allows keeping prompts in logs."
            checked={logBodies}
            onChange={(e) => setLogBodies(e.currentTarget.checked)}
            disabled={!canManage}
            data-testid="project-log-bodies"
          />
          {logBodies && !project.logBodies && (
            <Alert color="yellow" variant="light" p="xs">
              Anyone who can read the gateway's logs will see this project's prompts and answers.
            </Alert>
          )}
          {error && <ErrorAlert error={error} />}
          {canManage && (
            <Group justify="flex-end">
              <Button variant="default" disabled={!changed || busy} onClick={() => { setValues(limitValues(project)); setLogBodies(project.logBodies); setError(null); }}>
                Reset
              </Button>
              <Button type="submit" loading={busy} disabled={!changed || invalid} data-testid="project-limits-save">
                Save limits
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
