import { Link } from 'react-router-dom';

export default function NotFound() {
  return (
    <section className="state error">
      <h1>Not found</h1>
      <p>
        There is no such page. <Link to="/overview">Back to the overview</Link>
      </p>
    </section>
  );
}
