import { Button } from "../components/Button";
import { EmptyState } from "../components/EmptyState";
import { useRouter } from "../router";

/** Shown for a URL that matches no page. */
export function NotFound() {
  const { navigate } = useRouter();
  return (
    <EmptyState
      icon="search"
      title="Page not found"
      description="The address may be mistyped, or the page has moved. Everything OpsDesk offers is reachable from the navigation."
      action={
        <Button variant="primary" onClick={() => navigate("/")}>
          Go to home
        </Button>
      }
    />
  );
}

/** Shown when the signed-in user lacks the permission a page needs. */
export function Forbidden() {
  const { navigate } = useRouter();
  return (
    <EmptyState
      icon="lock"
      title="You do not have access to this page"
      description="Your role does not include the permission this page needs. An administrator can change your role."
      action={<Button onClick={() => navigate("/")}>Go to home</Button>}
    />
  );
}
