import { ErrorBoundary, LocationProvider, Route, Router, lazy } from "preact-iso";
import { Shell } from "./shell/shell";

// One route per screen; each screen lives in its own folder and is loaded on first visit, so the
// editor's canvas libraries are not part of the sign-in page.
const SignIn = lazy(() => import("./auth/sign-in").then((m) => m.SignIn));
const Flows = lazy(() => import("./flows/flow-list").then((m) => m.FlowList));
const Editor = lazy(() => import("./editor/editor-page").then((m) => m.EditorPage));
const Launch = lazy(() => import("./launch/launch-page").then((m) => m.LaunchPage));
const Users = lazy(() => import("./users/users-page").then((m) => m.UsersPage));
const StartProgress = lazy(() => import("./launch/start-page").then((m) => m.StartPage));
const WhatsAppForms = lazy(() => import("./whatsapp-forms/forms-page").then((m) => m.FormsPage));

export function App() {
  return (
    <LocationProvider>
      <ErrorBoundary>
        <Shell>
          <Router>
            <Route path="/login" component={SignIn} />
            <Route path="/" component={Flows} />
            <Route path="/flows" component={Flows} />
            <Route path="/flows/:uuid" component={Editor} />
            <Route path="/flows/:uuid/launch" component={Launch} />
            <Route path="/starts/:uuid" component={StartProgress} />
            <Route path="/users" component={Users} />
            <Route path="/whatsapp-forms" component={WhatsAppForms} />
            <Route default component={Flows} />
          </Router>
        </Shell>
      </ErrorBoundary>
    </LocationProvider>
  );
}
