import { ReactNode, useState } from 'react';
import { Button, IconButton, Tooltip } from '@material-ui/core';
import CopyIcon from '@material-ui/icons/FileCopy';
import { errorApiRef, useApi } from '@backstage/core-plugin-api';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';

/**
 * Copies `text`: through the Clipboard API where the page may use it (a
 * secure context), else through a hidden selection. With `children` it is a
 * small text button, else an icon; `label` names it for screen readers.
 */
export function CopyButton(props: {
  text: string;
  label: string;
  children?: ReactNode;
}) {
  const { text, label, children } = props;
  const errorApi = useApi(errorApiRef);
  const [, copyBySelection] = useCopyToClipboard();
  const [copied, setCopied] = useState(false);

  const onClick = async () => {
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
      } else {
        copyBySelection(text);
      }
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch (e) {
      errorApi.post(e instanceof Error ? e : new Error(String(e)));
    }
  };

  const title = copied ? 'Copied' : text;
  return (
    <Tooltip title={title}>
      {children ? (
        <Button
          size="small"
          startIcon={<CopyIcon fontSize="inherit" />}
          onClick={onClick}
          aria-label={label}
        >
          {children}
        </Button>
      ) : (
        <IconButton size="small" onClick={onClick} aria-label={label}>
          <CopyIcon fontSize="inherit" />
        </IconButton>
      )}
    </Tooltip>
  );
}
