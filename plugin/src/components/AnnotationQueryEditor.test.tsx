import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aDataSource } from '../../test/builders';
import { installBackend, installVariables } from '../../test/grafana';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

test('an annotation query picks a scope and the kinds of day to mark', async () => {
  installVariables();
  installBackend(() => ({
    data: { values: [{ value: 'enterprise:octodemo', label: 'enterprise:octodemo' }] },
  }));
  const onChange = jest.fn();
  const user = userEvent.setup();
  const { rerender } = render(
    <AnnotationQueryEditor
      datasource={aDataSource()}
      query={{ refId: 'Anno', queryType: 'annotations' }}
      onChange={onChange}
      onRunQuery={() => undefined}
    />,
  );

  await user.click(screen.getByRole('combobox', { name: 'Scope' }));
  await user.click(await screen.findByRole('option', { name: 'enterprise:octodemo' }));
  expect(onChange).toHaveBeenLastCalledWith({
    refId: 'Anno',
    queryType: 'annotations',
    scope: 'enterprise:octodemo',
  });

  rerender(
    <AnnotationQueryEditor
      datasource={aDataSource()}
      query={onChange.mock.lastCall[0]}
      onChange={onChange}
      onRunQuery={() => undefined}
    />,
  );
  await user.click(screen.getByRole('combobox', { name: 'Mark' }));
  await user.click(await screen.findByRole('option', { name: /^Failed syncs/ }));

  expect(onChange).toHaveBeenLastCalledWith({
    refId: 'Anno',
    queryType: 'annotations',
    scope: 'enterprise:octodemo',
    annotationKinds: ['sync-failed'],
  });
});
