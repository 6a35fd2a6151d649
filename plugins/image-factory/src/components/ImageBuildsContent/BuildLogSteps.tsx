import { useLayoutEffect, useRef } from 'react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import { BuildLogNote, BuildLogStep } from './BuildLogStep';
import { LogSection, stepCounts } from './parseBuildKitLog';

const useStyles = makeStyles(theme => ({
  scroller: { height: '100%', overflow: 'auto' },
  section: { marginBottom: theme.spacing(2) },
  list: { margin: 0, padding: 0 },
}));

// Within this many pixels of the end, the view follows new lines.
const FOLLOW_SLACK_PX = 24;

/** "5 steps · 1 cached · 1 failed" */
function summary(section: LogSection): string {
  const { steps, cached, failed } = stepCounts(section);
  if (steps === 0) return '';
  return [
    `${steps} step${steps === 1 ? '' : 's'}`,
    cached > 0 && `${cached} cached`,
    failed > 0 && `${failed} failed`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * The log as Dockerfile steps, one list per platform (the run's own lines
 * first). While the run is live, the view stays at the newest line unless
 * the user scrolled up.
 */
export function BuildLogSteps(props: {
  sections: LogSection[];
  live: boolean;
}) {
  const classes = useStyles();
  const { sections, live } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [sections]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    following.current =
      el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
  };

  return (
    <div className={classes.scroller} ref={scroller} onScroll={onScroll}>
      {sections.map(section => {
        const name = section.platform ?? 'Run';
        return (
          <section
            key={name}
            className={classes.section}
            aria-label={`${name} log`}
          >
            <Box display="flex" alignItems="baseline" gridGap={12}>
              <Typography variant="subtitle2" component="h3">
                {name}
              </Typography>
              <Typography variant="caption" color="textSecondary">
                {summary(section)}
              </Typography>
            </Box>
            <ul className={classes.list} aria-label={`${name} steps`}>
              {section.entries.map(entry =>
                entry.type === 'step' ? (
                  <BuildLogStep key={entry.key} step={entry} live={live} />
                ) : (
                  <BuildLogNote key={entry.key} note={entry} />
                ),
              )}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
