namespace QuantScope.Web.Runs;

/// <summary>
/// At most <see cref="Slots"/> engine runs train at once on this dashboard; later ones wait here in arrival order
/// (status <c>queued</c>) and start as runs end. Thread-safe; knows only run ids.
/// </summary>
public sealed class RunQueue(int slots)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Guid> _waiting = new();
    private readonly HashSet<Guid> _training = [];

    /// <summary>Runs that may train at once.</summary>
    public int Slots { get; } = slots >= 1 ? slots : throw new ArgumentOutOfRangeException(nameof(slots), slots, "At least one run must be able to train.");

    /// <summary>Runs training now.</summary>
    public int Training
    {
        get
        {
            lock (_lock) return _training.Count;
        }
    }

    /// <summary>True when <paramref name="id"/> may start now (it takes a slot); false when it waits in line.</summary>
    public bool Enter(Guid id)
    {
        lock (_lock)
        {
            if (_training.Count < Slots && _waiting.Count == 0)
            {
                _training.Add(id);
                return true;
            }

            _waiting.AddLast(id);
            return false;
        }
    }

    /// <summary>
    /// <paramref name="id"/> ended (or left the line): frees its slot, and returns the runs that take the free slots
    /// now, first come first served (empty when none waits).
    /// </summary>
    public IReadOnlyList<Guid> Leave(Guid id)
    {
        lock (_lock)
        {
            if (!_training.Remove(id)) _waiting.Remove(id);
            var started = new List<Guid>();
            while (_training.Count < Slots && _waiting.First is { } next)
            {
                _waiting.RemoveFirst();
                _training.Add(next.Value);
                started.Add(next.Value);
            }

            return started;
        }
    }

    /// <summary>Takes a waiting run out of the line (cancelled before it started); false when it is not waiting.</summary>
    public bool Withdraw(Guid id)
    {
        lock (_lock) return _waiting.Remove(id);
    }

    /// <summary>1-based place of a waiting run in the line; null when it is not waiting.</summary>
    public int? Position(Guid id)
    {
        lock (_lock)
        {
            var place = 1;
            for (var node = _waiting.First; node is not null; node = node.Next, place++)
                if (node.Value == id) return place;
            return null;
        }
    }
}
